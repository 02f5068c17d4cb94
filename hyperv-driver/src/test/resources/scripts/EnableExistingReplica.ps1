# stdin: {"ArgumentList":["web-01","hv01.contoso.com"],"ComputerName":"hv11.fabrikam.com","UseSSL":false}
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$in = [Console]::In.ReadToEnd() | ConvertFrom-Json
$command = {
    param([string]$VMName, [string]$AllowedPrimaryServer)
    $vm = Get-VM -Name $VMName -ErrorAction Stop
    $changed = $false
    if ($vm.ReplicationState.ToString() -eq 'Disabled') {
        Enable-VMReplication -VMName $VMName -AsReplica -AllowedPrimaryServer $AllowedPrimaryServer -Confirm:$false -ErrorAction Stop
        $changed = $true
    }
    $r = Get-VMReplication -VMName $VMName -ErrorAction Stop
    if ($r.ReplicationMode.ToString() -ne 'Replica') {
        throw ("virtual machine '" + $VMName + "' on this host is already replicating as " + $r.ReplicationMode.ToString() + " (state " + $r.ReplicationState.ToString() + "), not as a replica")
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
