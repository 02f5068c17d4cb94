$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$in = [Console]::In.ReadToEnd() | ConvertFrom-Json
$command = {
    param([string]$VMName, [string]$ReplicaServerName, [int]$ReplicaServerPort, [string]$AuthenticationType)
    Enable-VMReplication -VMName $VMName -ReplicaServerName $ReplicaServerName -ReplicaServerPort $ReplicaServerPort -AuthenticationType $AuthenticationType -Confirm:$false -ErrorAction Stop
    Get-VMReplication -VMName $VMName -ErrorAction Stop | ForEach-Object {
        [pscustomobject]@{ VMName = $_.VMName; State = $_.ReplicationState.ToString(); Health = $_.ReplicationHealth.ToString() }
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
