# stdin: {"ArgumentList":["web-01","8d1f7c52-0a3e-4b6f-a1d2-6e9c0b7a5f31"],"ComputerName":"hv11.fabrikam.com","UseSSL":false}
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$in = [Console]::In.ReadToEnd() | ConvertFrom-Json
$command = {
    param([string]$VMName, [string]$RecoveryPointId)
    $r = Get-VMReplication -VMName $VMName -ErrorAction Stop
    $state = $r.ReplicationState.ToString()
    $changed = $false
    if ($state -ne 'FailedOverWaitingCompletion' -and $state -ne 'FailedOver') {
        $snapshot = $null
        foreach ($s in @(Get-VMSnapshot -VMName $VMName -SnapshotType Replica -ErrorAction Stop) + @(Get-VMSnapshot -VMName $VMName -SnapshotType AppConsistentReplica -ErrorAction Stop)) {
            if ($s.Id.ToString() -eq $RecoveryPointId) { $snapshot = $s }
        }
        if ($null -eq $snapshot) { throw ("recovery snapshot '" + $RecoveryPointId + "' of '" + $VMName + "' was not found") }
        Start-VMFailover -VMRecoverySnapshot $snapshot -Confirm:$false -ErrorAction Stop
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
