# stdin: {"ArgumentList":["web-01"],"ComputerName":"hv01.contoso.com","UseSSL":false}
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$in = [Console]::In.ReadToEnd() | ConvertFrom-Json
$command = {
    param([string]$VMName)
    $r = Get-VMReplication -VMName $VMName -ErrorAction Stop
    $state = $r.ReplicationState.ToString()
    $changed = $false
    if ($state -eq 'InitialReplicationInProgress' -or $state -eq 'WaitingForInitialReplication' -or $state -eq 'Replicating' -or $state -eq 'Resynchronizing') {
    } else {
        Start-VMInitialReplication -VMName $VMName -UseBackup -Confirm:$false -ErrorAction Stop
        $changed = $true
        $r = Get-VMReplication -VMName $VMName -ErrorAction Stop
    }
    [pscustomobject]@{ Changed = $changed; VMName = $r.VMName; State = $r.ReplicationState.ToString(); Mode = $r.ReplicationMode.ToString(); ReplicaServerName = $r.ReplicaServerName }
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
