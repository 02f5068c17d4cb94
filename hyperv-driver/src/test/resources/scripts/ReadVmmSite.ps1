# stdin: {"ArgumentList":["vmm01.contoso.com"]}
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$in = [Console]::In.ReadToEnd() | ConvertFrom-Json
$command = {
    param([string]$VMMServer)
    $server = Get-SCVMMServer -ComputerName $VMMServer -ErrorAction Stop
    [pscustomobject]@{ Kind = 'Server'; Name = $server.Name; FullyQualifiedDomainName = $server.FullyQualifiedDomainName; ProductVersion = [string]$server.ProductVersion; IsHighlyAvailable = $server.IsHighlyAvailable; FailoverClusterName = $server.FailoverClusterName }
    foreach ($p in @(Get-SCCapabilityProfile -VMMServer $server -ErrorAction Stop)) {
        [pscustomobject]@{ Kind = 'CapabilityProfile'; Name = $p.Name }
    }
    foreach ($c in @(Get-SCCloud -VMMServer $server -ErrorAction Stop)) {
        [pscustomobject]@{ Kind = 'Cloud'; Name = $c.Name; HostGroups = @($c.HostGroup.Name); CapabilityProfiles = @($c.CapabilityProfiles.Name); LogicalNetworks = @($c.LogicalNetworks.Name) }
    }
    foreach ($g in @(Get-SCVMHostGroup -VMMServer $server -ErrorAction Stop)) {
        [pscustomobject]@{ Kind = 'HostGroup'; Name = $g.Name; Parent = $g.ParentHostGroup.Name }
    }
    $vmHosts = @(Get-SCVMHost -VMMServer $server -ErrorAction Stop)
    foreach ($h in $vmHosts) {
        [pscustomobject]@{ Kind = 'Host'; Name = $h.Name; OperatingSystem = $h.OperatingSystem.Name; OperatingSystemVersion = [string]$h.OperatingSystem.Version; HostGroup = $h.VMHostGroup.Name; Cluster = $h.HostCluster.Name; VirtualizationPlatform = [string]$h.VirtualizationPlatform }
    }
    foreach ($k in @(Get-SCVMHostCluster -VMMServer $server -ErrorAction Stop)) {
        [pscustomobject]@{ Kind = 'HostCluster'; Name = $k.Name; IPAddresses = @($k.IPAddresses); ReplicaBrokerName = $k.ReplicaBrokerName }
    }
    foreach ($n in @(Get-SCLogicalNetwork -VMMServer $server -ErrorAction Stop)) {
        [pscustomobject]@{ Kind = 'LogicalNetwork'; Name = $n.Name }
    }
    foreach ($n in @(Get-SCVMNetwork -VMMServer $server -ErrorAction Stop)) {
        [pscustomobject]@{ Kind = 'VMNetwork'; Name = $n.Name; LogicalNetwork = $n.LogicalNetwork.Name }
    }
    foreach ($s in @(Get-SCStorageClassification -VMMServer $server -ErrorAction Stop)) {
        [pscustomobject]@{ Kind = 'StorageClassification'; Name = $s.Name; VMHosts = @($s.VMHosts) }
    }
    foreach ($v in @(Get-SCVirtualMachine -VMMServer $server -ErrorAction Stop)) {
        $adapters = @(Get-SCVirtualNetworkAdapter -VM $v -ErrorAction Stop | ForEach-Object { [pscustomobject]@{ Name = $_.Name; SlotId = $_.SlotId; VMNetwork = $_.VMNetwork.Name } })
        $disks = @(Get-SCVirtualDiskDrive -VM $v -ErrorAction Stop | ForEach-Object { [pscustomobject]@{ Location = $_.VirtualHardDisk.Location; Classification = $_.VirtualHardDisk.Classification.Name } })
        [pscustomobject]@{ Kind = 'Vm'; Name = $v.Name; ID = [string]$v.ID; VMHost = $v.VMHost.Name; Cloud = $v.Cloud.Name; VirtualMachineState = [string]$v.VirtualMachineState; Adapters = $adapters; Disks = $disks }
    }
    if ($vmHosts.Count -gt 0) {
        Invoke-Command -ComputerName @($vmHosts.Name) -ScriptBlock {
            foreach ($r in @(Get-VMReplication -ErrorAction Stop)) {
                [pscustomobject]@{ Kind = 'Replication'; VMName = $r.VMName; VMId = [string]$r.VMId; ComputerName = $r.ComputerName; ReplicationMode = [string]$r.ReplicationMode; ReplicaServerName = $r.ReplicaServerName; ReplicaServerPort = $r.ReplicaServerPort; AuthenticationType = [string]$r.AuthenticationType; ReplicationFrequencySec = $r.ReplicationFrequencySec; RecoveryHistory = $r.RecoveryHistory; VSSSnapshotFrequencyHour = $r.VSSSnapshotFrequencyHour; CompressionEnabled = $r.CompressionEnabled }
            }
        } -ErrorAction Stop
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
