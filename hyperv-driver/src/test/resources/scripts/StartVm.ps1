# stdin: {"ArgumentList":["web-01 - Test"],"ComputerName":"hv11.fabrikam.com","UseSSL":false}
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$in = [Console]::In.ReadToEnd() | ConvertFrom-Json
$command = {
    param([string]$Name)
    $vm = Get-VM -Name $Name -ErrorAction Stop
    $changed = $false
    if ($vm.State.ToString() -ne 'Running') {
        Start-VM -Name $Name -Confirm:$false -ErrorAction Stop
        $changed = $true
        $vm = Get-VM -Name $Name -ErrorAction Stop
    }
    [pscustomobject]@{ Changed = $changed; VMName = $vm.Name; State = $vm.State.ToString() }
}
try {
    $argumentList = @($in.ArgumentList)
    if ($in.ComputerName) {
        $remote = @{ ComputerName = $in.ComputerName; ScriptBlock = $command; ArgumentList = $argumentList }
        if ($in.UseSSL) { $remote.UseSSL = $true; $remote.Port = 5986 }
        if ($in.Credential) {
            $secret = ConvertTo-SecureString -String $in.Credential.Password -AsPlainText -Force
            $remote.Credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList $in.Credential.UserName, $secret
        }
        $result = @(Invoke-Command @remote)
    } else {
        $result = @(& $command @argumentList)
    }
    [pscustomobject]@{ ok = $true; result = $result } | ConvertTo-Json -Depth 6 -Compress
} catch {
    [pscustomobject]@{ ok = $false; message = $_.Exception.Message; category = $_.CategoryInfo.Category.ToString(); errorId = $_.FullyQualifiedErrorId } | ConvertTo-Json -Compress
    exit 1
}
