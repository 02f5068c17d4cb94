package dev.secondsite.hyperv;

/**
 * The VMM site reader's one script: every object it needs from the VirtualMachineManager module in one round trip,
 * projected to flat records with a {@code Kind} (so ConvertTo-Json's depth never cuts one short) and the property
 * names of docs/powershell-subset.md section 4. Enums and versions go through {@code [string]} casts, which give
 * their names and leave a missing value empty instead of failing. The Hyper-V Replica relationships of the site's
 * hosts (E3) come in the same round trip: VMM does not carry them, so the VMM server asks every host at once with
 * {@code Invoke-Command -ComputerName <hosts>} (the same WinRM path the driver's commands take) for
 * {@code Get-VMReplication}.
 *
 * <p>Thread-safe (constants).
 */
final class VmmScripts {
    private VmmScripts() {
    }

    static final Scripts.Script READ_SITE = Scripts.script("ReadVmmSite", "[string]$VMMServer", """
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
            """);
}
