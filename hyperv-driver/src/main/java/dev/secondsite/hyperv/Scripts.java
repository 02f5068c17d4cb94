package dev.secondsite.hyperv;

import com.google.common.collect.ImmutableList;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Every script the driver runs, one constant per command variant (docs/powershell-subset.md). Each is a fixed
 * {@code param(...)} block and body inside the fixed bootstrap; values never appear in the text, they travel in
 * the standard input's {@code ArgumentList} in param order. Because the text is constant, its
 * {@code -EncodedCommand} argument list is built once here and reused by every call.
 *
 * <p>Each changing script first reads the host's state and calls its cmdlet only when the effect is not there yet
 * (J3: a command re-sent after a crash changes nothing twice), then reports {@code Changed}. Every changing cmdlet
 * is called with {@code -Confirm:$false -ErrorAction Stop}; reads carry {@code -ErrorAction Stop} too, since a
 * remote script block does not inherit the caller's preference.
 *
 * <p>Immutable and thread-safe.
 */
final class Scripts {
    private Scripts() {
    }

    /**
     * One script: its name (also its snapshot file's name), the parameter names in order, the command block and the
     * whole text with its ready-made command line.
     */
    record Script(String name, List<String> parameters, String text, List<String> arguments) {
        @Override
        public String toString() {
            return name;
        }
    }

    // declared before the scripts: their static initializers use it
    /** The PowerShell command line before {@code -EncodedCommand} (docs section 1). */
    static final List<String> STANDARD_ARGUMENTS = ImmutableList.of("-NoProfile", "-NonInteractive",
            "-ExecutionPolicy", "Bypass", "-OutputFormat", "Text");

    private static final String BOOTSTRAP_HEAD = """
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'
            $in = [Console]::In.ReadToEnd() | ConvertFrom-Json
            $command = {
            """;

    // the bootstrap of docs/powershell-subset.md section 1: the command block runs here or on the VM's host
    private static final String BOOTSTRAP_TAIL = """
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
            """;

    /** The replication a settings command leaves, read back after it. */
    private static final String REPLICATION_SETTINGS_PARAMS = "[string]$VMName, [string]$ReplicaServerName, "
            + "[int]$ReplicaServerPort, [string]$AuthenticationType, [int]$ReplicationFrequencySec, "
            + "[int]$RecoveryHistory, [int]$VSSSnapshotFrequencyHour, [bool]$CompressionEnabled";

    // one parameter set: the VMName set of Enable-/Set-VMReplication; VSS only when on (it needs RecoveryHistory > 0),
    // the host's own certificate when it replicates over HTTPS
    private static final String REPLICATION_SETTINGS_SPLAT = """
                $settings = @{ VMName = $VMName; ReplicaServerName = $ReplicaServerName; ReplicaServerPort = $ReplicaServerPort; AuthenticationType = $AuthenticationType; ReplicationFrequencySec = $ReplicationFrequencySec; RecoveryHistory = $RecoveryHistory; CompressionEnabled = $CompressionEnabled }
                if ($VSSSnapshotFrequencyHour -gt 0) { $settings.VSSSnapshotFrequencyHour = $VSSSnapshotFrequencyHour }
                if ($AuthenticationType -eq 'Certificate') {
                    $server = Get-VMReplicationServer -ErrorAction Stop
                    if ($server.CertificateThumbprint) { $settings.CertificateThumbprint = $server.CertificateThumbprint }
                }
            """;

    private static final String REPLICATION_OUTPUT = """
            [pscustomobject]@{ Changed = $changed; VMName = $r.VMName; State = $r.ReplicationState.ToString(); Mode = $r.ReplicationMode.ToString(); ReplicaServerName = $r.ReplicaServerName }
            """;

    private static final String READ_REPLICATION = """
            $r = Get-VMReplication -VMName $VMName -ErrorAction Stop
            $state = $r.ReplicationState.ToString()
            $changed = $false
            """;

    private static final String REREAD_REPLICATION = """
                $changed = $true
                $r = Get-VMReplication -VMName $VMName -ErrorAction Stop
            """;

    static final Script CONFIGURE_REPLICA_SERVER = script("ConfigureReplicaServer",
            "[string]$AuthenticationType, [int]$Port", """
            $server = Get-VMReplicationServer -ErrorAction Stop
            $allowed = $AuthenticationType
            if ($server.ReplicationEnabled -and $server.AllowedAuthenticationType.ToString() -ne $AuthenticationType) { $allowed = 'CertificateAndKerberos' }
            $set = @{ ReplicationEnabled = $true; AllowedAuthenticationType = $allowed; ReplicationAllowedFromAnyServer = $true }
            if ($AuthenticationType -eq 'Kerberos') {
                $current = $server.KerberosAuthenticationPort
                $set.KerberosAuthenticationPort = $Port
            } else {
                $current = $server.CertificateAuthenticationPort
                $set.CertificateAuthenticationPort = $Port
                if ($server.CertificateThumbprint) { $set.CertificateThumbprint = $server.CertificateThumbprint }
            }
            if ($server.DefaultStorageLocation) { $set.DefaultStorageLocation = $server.DefaultStorageLocation }
            $changed = $false
            if (-not ($server.ReplicationEnabled -and $allowed -eq $server.AllowedAuthenticationType.ToString() -and $current -eq $Port)) {
                Set-VMReplicationServer @set -Confirm:$false -ErrorAction Stop
                $changed = $true
                $server = Get-VMReplicationServer -ErrorAction Stop
            }
            [pscustomobject]@{ Changed = $changed; ReplicationEnabled = $server.ReplicationEnabled; AllowedAuthenticationType = $server.AllowedAuthenticationType.ToString(); KerberosAuthenticationPort = $server.KerberosAuthenticationPort; CertificateAuthenticationPort = $server.CertificateAuthenticationPort }
            """);

    static final Script ENABLE_REPLICATION = script("EnableReplication", REPLICATION_SETTINGS_PARAMS, """
            $vm = Get-VM -Name $VMName -ErrorAction Stop
            $changed = $false
            if ($vm.ReplicationState.ToString() -eq 'Disabled') {
            """ + REPLICATION_SETTINGS_SPLAT + """
                Enable-VMReplication @settings -Confirm:$false -ErrorAction Stop
                $changed = $true
            }
            $r = Get-VMReplication -VMName $VMName -ErrorAction Stop
            if (-not $changed) {
                if ($r.ReplicationMode.ToString() -ne 'Primary' -or $r.ReplicaServerName -ne $ReplicaServerName -or $r.ReplicaServerPort -ne $ReplicaServerPort -or $r.AuthenticationType.ToString() -ne $AuthenticationType -or $r.ReplicationFrequencySec -ne $ReplicationFrequencySec -or $r.RecoveryHistory -ne $RecoveryHistory -or $r.VSSSnapshotFrequencyHour -ne $VSSSnapshotFrequencyHour -or $r.CompressionEnabled -ne $CompressionEnabled) {
                    throw ("Hyper-V Replica is already enabled for virtual machine '" + $VMName + "' (state " + $r.ReplicationState.ToString() + ", mode " + $r.ReplicationMode.ToString() + ") towards " + $r.ReplicaServerName + ":" + $r.ReplicaServerPort + " with other settings")
                }
            }
            """ + REPLICATION_OUTPUT);

    // C10 on the replica host: the restored copy becomes the replica, accepted only from the VM's primary host; done
    // already when that copy is the replica (a re-send, or the primary has enabled replication since)
    static final Script ENABLE_EXISTING_REPLICA = script("EnableExistingReplica",
            "[string]$VMName, [string]$AllowedPrimaryServer", """
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
            """ + REPLICATION_OUTPUT);

    private static final String INITIAL_REPLICATION_DONE = "if ($state -eq 'InitialReplicationInProgress' -or "
            + "$state -eq 'WaitingForInitialReplication' -or $state -eq 'Replicating' -or "
            + "$state -eq 'Resynchronizing') {\n} else {\n";

    static final Script START_INITIAL_REPLICATION_NOW = script("StartInitialReplication-Now", "[string]$VMName",
            READ_REPLICATION + INITIAL_REPLICATION_DONE + """
                Start-VMInitialReplication -VMName $VMName -Confirm:$false -ErrorAction Stop
            """ + REREAD_REPLICATION + "}\n" + REPLICATION_OUTPUT);

    static final Script START_INITIAL_REPLICATION_SCHEDULED = script("StartInitialReplication-Scheduled",
            "[string]$VMName, [datetime]$InitialReplicationStartTime",
            READ_REPLICATION + INITIAL_REPLICATION_DONE + """
                Start-VMInitialReplication -VMName $VMName -InitialReplicationStartTime $InitialReplicationStartTime -Confirm:$false -ErrorAction Stop
            """ + REREAD_REPLICATION + "}\n" + REPLICATION_OUTPUT);

    static final Script START_INITIAL_REPLICATION_OFFLINE = script("StartInitialReplication-Offline",
            "[string]$VMName, [string]$DestinationPath",
            READ_REPLICATION + INITIAL_REPLICATION_DONE + """
                Start-VMInitialReplication -VMName $VMName -DestinationPath $DestinationPath -Confirm:$false -ErrorAction Stop
            """ + REREAD_REPLICATION + "}\n" + REPLICATION_OUTPUT);

    static final Script START_INITIAL_REPLICATION_USE_BACKUP = script("StartInitialReplication-UseBackup",
            "[string]$VMName", READ_REPLICATION + INITIAL_REPLICATION_DONE + """
                Start-VMInitialReplication -VMName $VMName -UseBackup -Confirm:$false -ErrorAction Stop
            """ + REREAD_REPLICATION + "}\n" + REPLICATION_OUTPUT);

    static final Script IMPORT_INITIAL_REPLICATION = script("ImportInitialReplication",
            "[string]$VMName, [string]$Path", READ_REPLICATION + """
            if ($state -ne 'Replicating') {
                Import-VMInitialReplication -VMName $VMName -Path $Path -Confirm:$false -ErrorAction Stop
            """ + REREAD_REPLICATION + "}\n" + REPLICATION_OUTPUT);

    static final Script PREPARE_FAILOVER = script("PrepareFailover", "[string]$VMName", READ_REPLICATION + """
            if ($state -ne 'PreparedForFailover') {
                Start-VMFailover -VMName $VMName -Prepare -Confirm:$false -ErrorAction Stop
            """ + REREAD_REPLICATION + "}\n" + REPLICATION_OUTPUT);

    private static final String FAILED_OVER = "if ($state -ne 'FailedOverWaitingCompletion' -and $state -ne "
            + "'FailedOver') {\n";

    // the newest application-consistent point, picked without Sort-Object -Descending (outside the subset)
    private static final String FIND_APP_CONSISTENT = """
                $snapshot = $null
                foreach ($s in @(Get-VMSnapshot -VMName $VMName -SnapshotType AppConsistentReplica -ErrorAction Stop)) {
                    if ($null -eq $snapshot -or $s.CreationTime -gt $snapshot.CreationTime) { $snapshot = $s }
                }
                if ($null -eq $snapshot) { throw ("the replica of '" + $VMName + "' has no application-consistent recovery point") }
            """;

    private static final String FIND_CHOSEN = """
                $snapshot = $null
                foreach ($s in @(Get-VMSnapshot -VMName $VMName -SnapshotType Replica -ErrorAction Stop) + @(Get-VMSnapshot -VMName $VMName -SnapshotType AppConsistentReplica -ErrorAction Stop)) {
                    if ($s.Id.ToString() -eq $RecoveryPointId) { $snapshot = $s }
                }
                if ($null -eq $snapshot) { throw ("recovery snapshot '" + $RecoveryPointId + "' of '" + $VMName + "' was not found") }
            """;

    static final Script FAILOVER_LATEST = script("Failover-Latest", "[string]$VMName",
            READ_REPLICATION + FAILED_OVER + """
                Start-VMFailover -VMName $VMName -Confirm:$false -ErrorAction Stop
            """ + REREAD_REPLICATION + "}\n" + REPLICATION_OUTPUT);

    static final Script FAILOVER_LATEST_APP_CONSISTENT = script("Failover-LatestAppConsistent", "[string]$VMName",
            READ_REPLICATION + FAILED_OVER + FIND_APP_CONSISTENT + """
                Start-VMFailover -VMRecoverySnapshot $snapshot -Confirm:$false -ErrorAction Stop
            """ + REREAD_REPLICATION + "}\n" + REPLICATION_OUTPUT);

    static final Script FAILOVER_RECOVERY_SNAPSHOT = script("Failover-RecoverySnapshot",
            "[string]$VMName, [string]$RecoveryPointId", READ_REPLICATION + FAILED_OVER + FIND_CHOSEN + """
                Start-VMFailover -VMRecoverySnapshot $snapshot -Confirm:$false -ErrorAction Stop
            """ + REREAD_REPLICATION + "}\n" + REPLICATION_OUTPUT);

    private static final String TEST_VM_HEAD = """
            $testName = $VMName + ' - Test'
            $changed = $false
            if (@(Get-VM -Name $testName -ErrorAction SilentlyContinue).Count -eq 0) {
            """;

    // F1: connected after the test VM exists, also on a re-send that found it made (connecting twice is harmless)
    private static final String TEST_VM_TAIL = """
                $changed = $true
            }
            if ($SwitchName) { Connect-VMNetworkAdapter -VMName $testName -SwitchName $SwitchName -Confirm:$false -ErrorAction Stop }
            $test = Get-VM -Name $testName -ErrorAction Stop
            [pscustomobject]@{ Changed = $changed; VMName = $test.Name; State = $test.State.ToString() }
            """;

    static final Script TEST_FAILOVER_LATEST = script("TestFailover-Latest", "[string]$VMName, [string]$SwitchName",
            TEST_VM_HEAD + """
                Start-VMFailover -VMName $VMName -AsTest -Confirm:$false -ErrorAction Stop
            """ + TEST_VM_TAIL);

    static final Script TEST_FAILOVER_LATEST_APP_CONSISTENT = script("TestFailover-LatestAppConsistent",
            "[string]$VMName, [string]$SwitchName", TEST_VM_HEAD + FIND_APP_CONSISTENT + """
                Start-VMFailover -VMRecoverySnapshot $snapshot -AsTest -Confirm:$false -ErrorAction Stop
            """ + TEST_VM_TAIL);

    static final Script TEST_FAILOVER_RECOVERY_SNAPSHOT = script("TestFailover-RecoverySnapshot",
            "[string]$VMName, [string]$SwitchName, [string]$RecoveryPointId", TEST_VM_HEAD + FIND_CHOSEN + """
                Start-VMFailover -VMRecoverySnapshot $snapshot -AsTest -Confirm:$false -ErrorAction Stop
            """ + TEST_VM_TAIL);

    static final Script CLEANUP_TEST_FAILOVER = script("CleanupTestFailover", "[string]$VMName", """
            $testName = $VMName + ' - Test'
            $changed = $false
            if (@(Get-VM -Name $testName -ErrorAction SilentlyContinue).Count -gt 0) {
                Stop-VMFailover -VMName $VMName -Confirm:$false -ErrorAction Stop
                $changed = $true
            }
            [pscustomobject]@{ Changed = $changed; VMName = $VMName }
            """);

    // undone already: the replica back to where it was, or the primary no longer prepared
    static final Script CANCEL_FAILOVER = script("CancelFailover", "[string]$VMName", READ_REPLICATION + """
            $mode = $r.ReplicationMode.ToString()
            if ($state -eq 'Replicating' -or ($state -eq 'PreparedForFailover' -and $mode -eq 'Replica')) {
            } else {
                Stop-VMFailover -VMName $VMName -Confirm:$false -ErrorAction Stop
            """ + REREAD_REPLICATION + "}\n" + REPLICATION_OUTPUT);

    static final Script COMPLETE_FAILOVER = script("CompleteFailover", "[string]$VMName", READ_REPLICATION + """
            if ($state -ne 'FailedOver') {
                Complete-VMFailover -VMName $VMName -Confirm:$false -ErrorAction Stop
            """ + REREAD_REPLICATION + "}\n" + REPLICATION_OUTPUT);

    static final Script REVERSE_REPLICATION = script("ReverseReplication", REPLICATION_SETTINGS_PARAMS,
            READ_REPLICATION + """
            if ($r.ReplicationMode.ToString() -eq 'Primary' -and $r.ReplicaServerName -eq $ReplicaServerName) {
            } else {
            """ + REPLICATION_SETTINGS_SPLAT + """
                Set-VMReplication @settings -Reverse -Confirm:$false -ErrorAction Stop
            """ + REREAD_REPLICATION + "}\n" + REPLICATION_OUTPUT);

    private static final String POWER_OUTPUT = """
            [pscustomobject]@{ Changed = $changed; VMName = $vm.Name; State = $vm.State.ToString() }
            """;

    static final Script START_VM = script("StartVm", "[string]$Name", """
            $vm = Get-VM -Name $Name -ErrorAction Stop
            $changed = $false
            if ($vm.State.ToString() -ne 'Running') {
                Start-VM -Name $Name -Confirm:$false -ErrorAction Stop
                $changed = $true
                $vm = Get-VM -Name $Name -ErrorAction Stop
            }
            """ + POWER_OUTPUT);

    private static Script stopVm(String name, String how) {
        return script(name, "[string]$Name", """
                $vm = Get-VM -Name $Name -ErrorAction Stop
                $changed = $false
                if ($vm.State.ToString() -ne 'Off') {
                    Stop-VM -Name $Name %s -Confirm:$false -ErrorAction Stop
                    $changed = $true
                    $vm = Get-VM -Name $Name -ErrorAction Stop
                }
                """.formatted(how) + POWER_OUTPUT);
    }

    static final Script STOP_VM_SHUTDOWN = stopVm("StopVm-Shutdown", "-Force");

    static final Script STOP_VM_TURN_OFF = stopVm("StopVm-TurnOff", "-TurnOff");

    static final Script DISABLE_REPLICATION = script("DisableReplication", "[string]$VMName", """
            $vm = Get-VM -Name $VMName -ErrorAction Stop
            $changed = $false
            if ($vm.ReplicationState.ToString() -ne 'Disabled') {
                Remove-VMReplication -VMName $VMName -Confirm:$false -ErrorAction Stop
                $changed = $true
            }
            [pscustomobject]@{ Changed = $changed; VMName = $VMName }
            """);

    /** C11: which host holds the other copy, read before anything is removed so a re-send still knows it. */
    static final Script DISABLE_REPLICATION_READ_PARTNER = script("DisableReplication-ReadPartner", "[string]$VMName",
            """
            $vm = Get-VM -Name $VMName -ErrorAction Stop
            if ($vm.ReplicationState.ToString() -eq 'Disabled') {
                [pscustomobject]@{ VMName = $VMName; State = 'Disabled'; PartnerServerName = $null }
            } else {
                $r = Get-VMReplication -VMName $VMName -ErrorAction Stop
                $partner = $r.ReplicaServerName
                if ($r.ReplicationMode.ToString() -ne 'Primary') { $partner = $r.PrimaryServerName }
                [pscustomobject]@{ VMName = $VMName; State = $r.ReplicationState.ToString(); PartnerServerName = $partner }
            }
            """);

    /** C11: on the partner host, replication removed on that side and the copy deleted. */
    static final Script DISABLE_REPLICATION_DELETE_REPLICA = script("DisableReplication-DeleteReplica",
            "[string]$VMName", """
            $replica = @(Get-VM -Name $VMName -ErrorAction SilentlyContinue)
            $changed = $false
            if ($replica.Count -gt 0) {
                if ($replica[0].ReplicationState.ToString() -ne 'Disabled') { Remove-VMReplication -VMName $VMName -Confirm:$false -ErrorAction Stop }
                Remove-VM -Name $VMName -Force -Confirm:$false -ErrorAction Stop
                $changed = $true
            }
            [pscustomobject]@{ Changed = $changed; VMName = $VMName }
            """);

    static final Script GET_REPLICATION_STATUS = script("GetReplicationStatus", "[string]$VMName", """
            $vm = Get-VM -Name $VMName -ErrorAction Stop
            if ($vm.ReplicationState.ToString() -eq 'Disabled') {
                [pscustomobject]@{ VMName = $VMName; State = 'Disabled'; Health = 'NotApplicable'; LastReplicationTime = $null }
            } else {
                Measure-VMReplication -VMName $VMName -ErrorAction Stop | ForEach-Object {
                    $last = $null
                    if ($_.LastReplicationTime) { $last = $_.LastReplicationTime.ToUniversalTime().ToString('o') }
                    [pscustomobject]@{ VMName = $_.VMName; State = $_.ReplicationState.ToString(); Health = $_.ReplicationHealth.ToString(); LastReplicationTime = $last }
                }
            }
            """);

    static final Script LIST_RECOVERY_POINTS = script("ListRecoveryPoints", "[string]$VMName", """
            foreach ($type in 'Replica', 'AppConsistentReplica') {
                Get-VMSnapshot -VMName $VMName -SnapshotType $type -ErrorAction Stop | ForEach-Object {
                    [pscustomobject]@{ Id = $_.Id.ToString(); Name = $_.Name; SnapshotType = $_.SnapshotType.ToString(); CreationTime = $_.CreationTime.ToUniversalTime().ToString('o') }
                }
            }
            """);

    static final Script CONNECT_NETWORK_ADAPTER = script("ConnectNetworkAdapter",
            "[string]$VMName, [string]$Name, [string]$SwitchName", """
            Connect-VMNetworkAdapter -VMName $VMName -Name $Name -SwitchName $SwitchName -Confirm:$false -ErrorAction Stop
            [pscustomobject]@{ Changed = $true; VMName = $VMName; Name = $Name; SwitchName = $SwitchName }
            """);

    static final Script CONNECT_NETWORK_ADAPTER_DISCONNECT = script("ConnectNetworkAdapter-Disconnect",
            "[string]$VMName, [string]$Name", """
            Disconnect-VMNetworkAdapter -VMName $VMName -Name $Name -Confirm:$false -ErrorAction Stop
            [pscustomobject]@{ Changed = $true; VMName = $VMName; Name = $Name; SwitchName = $null }
            """);

    /**
     * RP8: a plan's script file, run in this process (the VMM server); its path arrives on standard input. Not
     * wrapped in the bootstrap: the script's own exit code and error stream are the result.
     */
    static final Script RUN_SCRIPT = raw("RunScript", List.of("Path"), """
            $ProgressPreference = 'SilentlyContinue'
            $in = [Console]::In.ReadToEnd() | ConvertFrom-Json
            & $in.Path
            exit $LASTEXITCODE
            """);

    /** Every script, for the snapshot tests. */
    static List<Script> all() {
        return ImmutableList.of(CONFIGURE_REPLICA_SERVER, ENABLE_REPLICATION, START_INITIAL_REPLICATION_NOW,
                START_INITIAL_REPLICATION_SCHEDULED, START_INITIAL_REPLICATION_OFFLINE, IMPORT_INITIAL_REPLICATION,
                PREPARE_FAILOVER, FAILOVER_LATEST, FAILOVER_LATEST_APP_CONSISTENT, FAILOVER_RECOVERY_SNAPSHOT,
                TEST_FAILOVER_LATEST, TEST_FAILOVER_LATEST_APP_CONSISTENT, TEST_FAILOVER_RECOVERY_SNAPSHOT,
                CLEANUP_TEST_FAILOVER, CANCEL_FAILOVER, COMPLETE_FAILOVER, REVERSE_REPLICATION, START_VM,
                STOP_VM_SHUTDOWN, STOP_VM_TURN_OFF, DISABLE_REPLICATION, DISABLE_REPLICATION_READ_PARTNER,
                DISABLE_REPLICATION_DELETE_REPLICA, GET_REPLICATION_STATUS, LIST_RECOVERY_POINTS,
                CONNECT_NETWORK_ADAPTER, CONNECT_NETWORK_ADAPTER_DISCONNECT, RUN_SCRIPT, VmmScripts.READ_SITE, ENABLE_EXISTING_REPLICA,
                START_INITIAL_REPLICATION_USE_BACKUP);
    }

    /** A command block ({@code param(...)} + body) wrapped in the bootstrap. */
    static Script script(String name, String params, String body) {
        String block = "    param(" + params + ")\n" + indent(body);
        List<String> names = ImmutableList.copyOf(java.util.Arrays.stream(params.split(","))
                .map(p -> p.substring(p.indexOf('$') + 1).trim()).toList());
        return raw(name, names, BOOTSTRAP_HEAD + block + BOOTSTRAP_TAIL);
    }

    static Script raw(String name, List<String> parameters, String text) {
        ImmutableList<String> arguments = ImmutableList.<String>builder().addAll(STANDARD_ARGUMENTS)
                .add("-EncodedCommand").add(encode(text)).build();
        return new Script(name, ImmutableList.copyOf(parameters), text, arguments);
    }

    /** The {@code -EncodedCommand} form: base64 of the UTF-16LE bytes. */
    static String encode(String script) {
        return Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_16LE));
    }

    /** The script text of an {@code -EncodedCommand} argument. */
    static String decode(String encoded) {
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_16LE);
    }

    private static String indent(String body) {
        StringBuilder sb = new StringBuilder();
        for (String line : body.split("\n", -1)) {
            if (!line.isEmpty()) {
                sb.append("    ").append(line);
            }
            sb.append('\n');
        }
        // the split's last empty piece added one newline too many
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }
}
