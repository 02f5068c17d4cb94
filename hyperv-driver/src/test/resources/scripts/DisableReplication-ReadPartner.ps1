# stdin: {"ArgumentList":["web-01"],"ComputerName":"hv01.contoso.com","UseSSL":false}
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$in = [Console]::In.ReadToEnd() | ConvertFrom-Json
$command = {
    param([string]$VMName)
    $vm = Get-VM -Name $VMName -ErrorAction Stop
    if ($vm.ReplicationState.ToString() -eq 'Disabled') {
        [pscustomobject]@{ VMName = $VMName; State = 'Disabled'; PartnerServerName = $null }
    } else {
        $r = Get-VMReplication -VMName $VMName -ErrorAction Stop
        $partner = $r.ReplicaServerName
        if ($r.ReplicationMode.ToString() -ne 'Primary') { $partner = $r.PrimaryServerName }
        [pscustomobject]@{ VMName = $VMName; State = $r.ReplicationState.ToString(); PartnerServerName = $partner }
    }
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
