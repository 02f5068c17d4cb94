package dev.secondsite.hyperv.sim.model;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.HyperVCluster;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.VirtualDisk;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.hyperv.sim.lang.Cmdlet;
import dev.secondsite.hyperv.sim.lang.CmdletCall;
import dev.secondsite.hyperv.sim.lang.CmdletException;
import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;
import dev.secondsite.hyperv.sim.lang.ParameterSet;
import dev.secondsite.hyperv.sim.lang.ParameterSpec;
import dev.secondsite.hyperv.sim.lang.PsEnum;
import dev.secondsite.hyperv.sim.lang.PsObject;
import dev.secondsite.hyperv.sim.lang.PsType;
import dev.secondsite.hyperv.sim.model.HyperVEnums.AllowedAuthenticationType;
import dev.secondsite.hyperv.sim.model.HyperVEnums.AuthenticationType;
import dev.secondsite.hyperv.sim.model.HyperVEnums.SnapshotType;
import dev.secondsite.hyperv.sim.model.HyperVModel.Op;
import dev.secondsite.hyperv.sim.model.HyperVModel.VmCopy;
import dev.secondsite.hyperv.sim.model.HyperVModel.VmmServer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * The Hyper-V and VMM cmdlets of the simulated fabric, each with the parameter sets, names, types, positions and
 * ranges of its help page (the parameters the driver may use; {@code -ErrorAction} in every set and
 * {@code -Confirm} in the sets of cmdlets that support ShouldProcess), acting on a {@link HyperVModel} on the
 * computer the call runs on ({@link CmdletCall#computerName()}, or {@code -ComputerName} where the cmdlet has it).
 * Each call first consults the model's {@link Faults} for that computer.
 *
 * <p>Thread-safe: the cmdlets hold no state of their own.
 */
public final class ModelCmdlets {
    private static final String[] ERROR_ACTIONS = {"Stop", "Continue", "SilentlyContinue"};
    private static final Set<String> NOT_KEY = Set.of("erroraction", "confirm", "passthru", "vmmserver");

    private ModelCmdlets() {
    }

    /** Every Hyper-V and VMM cmdlet of the fabric, acting on {@code model}. */
    public static List<Cmdlet> all(HyperVModel model) {
        requireNonNull(model, "model");
        List<Cmdlet> all = new ArrayList<>(hyperV(model));
        all.addAll(vmm(model));
        return List.copyOf(all);
    }

    // ============================================================================================== Hyper-V

    private static List<Cmdlet> hyperV(HyperVModel model) {
        List<Cmdlet> c = new ArrayList<>();
        ParameterSpec vmName = ParameterSpec.mandatory("VMName", PsType.STRING_ARRAY).at(0);
        ParameterSpec computer = ParameterSpec.optional("ComputerName", PsType.STRING_ARRAY);
        ParameterSpec passthru = ParameterSpec.switchParameter("Passthru");
        List<ParameterSpec> settings = List.of(
                ParameterSpec.optional("CertificateThumbprint", PsType.STRING),
                ParameterSpec.optional("CompressionEnabled", PsType.BOOL),
                ParameterSpec.optional("RecoveryHistory", PsType.INT).range(0, 24),
                ParameterSpec.optional("VSSSnapshotFrequencyHour", PsType.INT).range(1, 12),
                ParameterSpec.optional("ReplicationFrequencySec", PsType.INT),
                ParameterSpec.optional("AutoResynchronizeEnabled", PsType.BOOL),
                ParameterSpec.optional("BypassProxyServer", PsType.BOOL),
                ParameterSpec.optional("ExcludedVhdPath", PsType.STRING_ARRAY));
        ParameterSpec auth = ParameterSpec.optional("AuthenticationType", PsType.STRING).oneOf("Kerberos",
                "Certificate");

        c.add(new ModelCmdlet(model, "Enable-VMReplication", List.of(
                set("VMName", true, join(List.of(vmName,
                        ParameterSpec.mandatory("ReplicaServerName", PsType.STRING).at(1),
                        ParameterSpec.mandatory("ReplicaServerPort", PsType.INT).at(2).range(1, 65535),
                        new ParameterSpec("AuthenticationType", PsType.STRING, true, 3, false, null, null,
                                Set.of("Kerberos", "Certificate")), computer, passthru), settings)),
                set("AsReplica", true, vmName, ParameterSpec.switchParameter("AsReplica"),
                        ParameterSpec.optional("AllowedPrimaryServer", PsType.STRING), computer, passthru)),
                (call, op, host) -> {
                    for (String vm : call.names("VMName")) {
                        if (call.flag("AsReplica")) {
                            model.enableAsReplica(op, host, vm, call.string("AllowedPrimaryServer"));
                        } else {
                            model.enableReplication(op, host, vm, settings(call));
                        }
                        passReplication(model, call, op, host, vm);
                    }
                }));

        c.add(new ModelCmdlet(model, "Set-VMReplication", List.of(
                set("VMName", true, join(List.of(vmName,
                        ParameterSpec.optional("ReplicaServerName", PsType.STRING).at(1),
                        ParameterSpec.optional("ReplicaServerPort", PsType.INT).at(2).range(1, 65535),
                        auth.at(3), ParameterSpec.optional("InitialReplicationStartTime", PsType.DATETIME),
                        ParameterSpec.switchParameter("DisableVSSSnapshotReplication"),
                        ParameterSpec.switchParameter("Reverse"), computer, passthru), settings)),
                set("AsReplica", true, vmName, ParameterSpec.switchParameter("AsReplica"),
                        ParameterSpec.optional("AllowedPrimaryServer", PsType.STRING), computer, passthru)),
                (call, op, host) -> {
                    for (String vm : call.names("VMName")) {
                        if (call.flag("AsReplica")) {
                            model.setAsReplica(op, host, vm, call.string("AllowedPrimaryServer"));
                        } else if (call.flag("Reverse")) {
                            if (call.has("InitialReplicationStartTime")) {
                                throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter",
                                        "-InitialReplicationStartTime cannot be used with -Reverse.");
                            }
                            model.reverseReplication(op, host, vm, settings(call));
                        } else {
                            model.setReplication(op, host, vm, settings(call),
                                    call.dateTime("InitialReplicationStartTime"));
                        }
                        passReplication(model, call, op, host, vm);
                    }
                }));

        c.add(new ModelCmdlet(model, "Start-VMInitialReplication", List.of(
                set("VMName", true, vmName, ParameterSpec.optional("DestinationPath", PsType.STRING),
                        ParameterSpec.optional("InitialReplicationStartTime", PsType.DATETIME),
                        ParameterSpec.switchParameter("UseBackup"), computer, passthru)),
                (call, op, host) -> {
                    for (String vm : call.names("VMName")) {
                        model.startInitialReplication(op, host, vm, call.string("DestinationPath"),
                                call.dateTime("InitialReplicationStartTime"), call.flag("UseBackup"));
                        passReplication(model, call, op, host, vm);
                    }
                }));

        c.add(new ModelCmdlet(model, "Import-VMInitialReplication", List.of(
                set("VMName", true, vmName, ParameterSpec.mandatory("Path", PsType.STRING).at(1), computer,
                        passthru)),
                (call, op, host) -> {
                    for (String vm : call.names("VMName")) {
                        model.importInitialReplication(op, host, vm, requireNonNull(call.string("Path")));
                        passReplication(model, call, op, host, vm);
                    }
                }));

        ParameterSpec snapshot = ParameterSpec.mandatory("VMRecoverySnapshot", PsType.OBJECT).at(0).pipeline();
        c.add(new ModelCmdlet(model, "Start-VMFailover", List.of(
                set("VMName", true, vmName, ParameterSpec.switchParameter("Prepare"), computer, passthru),
                set("VMName_AsTest", true, vmName, mandatorySwitch("AsTest"), computer, passthru),
                set("VMSnapshot", true, snapshot, passthru),
                set("VMSnapshot_AsTest", true, snapshot, mandatorySwitch("AsTest"), passthru)),
                (call, op, host) -> {
                    if (call.has("VMRecoverySnapshot")) {
                        Object value = call.value("VMRecoverySnapshot");
                        if (!(value instanceof PsObject s) || !s.has("VMName") || !s.has("Id")) {
                            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "Cannot bind "
                                    + "parameter 'VMRecoverySnapshot': the value is not a VMSnapshot (" + value
                                    + ").");
                        }
                        String vm = String.valueOf(s.get("VMName"));
                        model.failover(op, host, vm, false, call.flag("AsTest"), String.valueOf(s.get("Id")));
                        passReplication(model, call, op, host, vm);
                        return;
                    }
                    for (String vm : call.names("VMName")) {
                        model.failover(op, host, vm, call.flag("Prepare"), call.flag("AsTest"), null);
                        passReplication(model, call, op, host, vm);
                    }
                }));

        for (String name : List.of("Stop-VMFailover", "Complete-VMFailover", "Remove-VMReplication",
                "Suspend-VMReplication")) {
            c.add(new ModelCmdlet(model, name, List.of(set("VMName", true, vmName, computer, passthru)),
                    (call, op, host) -> {
                        for (String vm : call.names("VMName")) {
                            switch (name) {
                                case "Stop-VMFailover" -> model.stopFailover(op, host, vm);
                                case "Complete-VMFailover" -> model.completeFailover(op, host, vm);
                                case "Remove-VMReplication" -> model.removeReplication(op, host, vm);
                                default -> model.suspendReplication(op, host, vm);
                            }
                            if (!name.equals("Remove-VMReplication")) {
                                passReplication(model, call, op, host, vm);
                            }
                        }
                    }));
        }

        c.add(new ModelCmdlet(model, "Resume-VMReplication", List.of(
                set("VMName", true, vmName, ParameterSpec.switchParameter("Resynchronize"), computer, passthru)),
                (call, op, host) -> {
                    for (String vm : call.names("VMName")) {
                        model.resumeReplication(op, host, vm, call.flag("Resynchronize"));
                        passReplication(model, call, op, host, vm);
                    }
                }));

        ParameterSpec name = ParameterSpec.mandatory("Name", PsType.STRING_ARRAY).at(0);
        c.add(new ModelCmdlet(model, "Remove-VM", List.of(
                set("Name", true, name, ParameterSpec.switchParameter("Force"), computer, passthru)),
                (call, op, host) -> {
                    for (String vm : call.names("Name")) {
                        model.removeVm(op, host, vm);
                    }
                }));

        c.add(new ModelCmdlet(model, "Start-VM", List.of(set("Name", true, name, computer, passthru)),
                (call, op, host) -> {
                    for (String vm : call.names("Name")) {
                        model.startVm(op, host, vm);
                        passVm(model, call, op, host, vm);
                    }
                }));

        c.add(new ModelCmdlet(model, "Stop-VM", List.of(set("Name", true, name,
                ParameterSpec.switchParameter("TurnOff"), ParameterSpec.switchParameter("Force"), computer,
                passthru)),
                (call, op, host) -> {
                    for (String vm : call.names("Name")) {
                        model.stopVm(op, host, vm);
                        passVm(model, call, op, host, vm);
                    }
                }));

        c.add(new ModelCmdlet(model, "Connect-VMNetworkAdapter", List.of(set("Name", true, vmName,
                ParameterSpec.optional("Name", PsType.STRING_ARRAY).at(1),
                ParameterSpec.mandatory("SwitchName", PsType.STRING).at(2), computer, passthru)),
                (call, op, host) -> {
                    List<String> adapters = call.has("Name") ? call.names("Name") : null;
                    for (String vm : call.names("VMName")) {
                        model.connectAdapter(op, host, vm, adapters, requireNonNull(call.string("SwitchName")));
                    }
                }));

        c.add(new ModelCmdlet(model, "Disconnect-VMNetworkAdapter", List.of(set("Name", true, vmName,
                ParameterSpec.optional("Name", PsType.STRING_ARRAY).at(1), computer, passthru)),
                (call, op, host) -> {
                    List<String> adapters = call.has("Name") ? call.names("Name") : null;
                    for (String vm : call.names("VMName")) {
                        model.disconnectAdapter(op, host, vm, adapters);
                    }
                }));

        c.add(new ModelCmdlet(model, "Get-VM", List.of(
                set("Name", false, ParameterSpec.optional("Name", PsType.STRING_ARRAY).at(0), computer),
                set("Id", false, ParameterSpec.mandatory("Id", PsType.STRING).at(0), computer)),
                (call, op, host) -> {
                    if (call.has("Id")) {
                        call.write(vmObject(model.vmById(op, host, requireNonNull(call.string("Id")))));
                        return;
                    }
                    for (VmCopy v : model.vms(op, host, call.has("Name") ? call.names("Name") : null)) {
                        call.write(vmObject(v));
                    }
                }));

        c.add(new ModelCmdlet(model, "Get-VMReplication", List.of(
                set("VMName", false, ParameterSpec.optional("VMName", PsType.STRING_ARRAY).at(0), computer)),
                (call, op, host) -> {
                    for (VmCopy v : model.replication(op, host, call.has("VMName") ? call.names("VMName") : null)) {
                        call.write(replicationObject(v));
                    }
                }));

        c.add(new ModelCmdlet(model, "Measure-VMReplication", List.of(
                set("VMName", false, ParameterSpec.optional("VMName", PsType.STRING_ARRAY).at(0), computer)),
                (call, op, host) -> {
                    for (VmCopy v : model.replication(op, host, call.has("VMName") ? call.names("VMName") : null)) {
                        call.write(healthObject(v));
                    }
                }));

        c.add(new ModelCmdlet(model, "Get-VMSnapshot", List.of(set("VMName", false, vmName,
                ParameterSpec.optional("Name", PsType.STRING).at(1),
                ParameterSpec.optional("SnapshotType", PsType.STRING).oneOf(Arrays.stream(SnapshotType.values())
                        .map(Enum::name).toArray(String[]::new)), computer)),
                (call, op, host) -> {
                    String type = call.string("SnapshotType");
                    String wanted = call.string("Name");
                    for (String vm : call.names("VMName")) {
                        for (ReplicaSnapshot s : model.snapshots(op, host, vm)) {
                            if (matches(type, s.type()) && (wanted == null || wanted.equalsIgnoreCase(s.name()))) {
                                call.write(snapshotObject(s, host));
                            }
                        }
                    }
                }));

        c.add(new ModelCmdlet(model, "Get-VMReplicationServer", List.of(
                set("ComputerName", false, ParameterSpec.optional("ComputerName", PsType.STRING_ARRAY).at(0))),
                (call, op, host) -> call.write(serverObject(host, model.replicationServer(op, host)))));

        c.add(new ModelCmdlet(model, "Set-VMReplicationServer", List.of(set("ComputerName", true,
                ParameterSpec.optional("ReplicationEnabled", PsType.BOOL).at(0),
                ParameterSpec.optional("AllowedAuthenticationType", PsType.STRING).at(1).oneOf("Kerberos",
                        "Certificate", "CertificateAndKerberos"),
                ParameterSpec.optional("ReplicationAllowedFromAnyServer", PsType.BOOL).at(2),
                ParameterSpec.optional("CertificateThumbprint", PsType.STRING),
                ParameterSpec.optional("KerberosAuthenticationPort", PsType.INT).range(1, 65535),
                ParameterSpec.optional("CertificateAuthenticationPort", PsType.INT).range(1, 65535),
                ParameterSpec.optional("DefaultStorageLocation", PsType.STRING),
                ParameterSpec.switchParameter("Force"), computer, passthru)),
                (call, op, host) -> {
                    String allowed = call.string("AllowedAuthenticationType");
                    model.setReplicationServer(op, host, new HyperVModel.ServerChange(
                            call.has("ReplicationEnabled") ? call.flag("ReplicationEnabled") : null,
                            allowed == null ? null : Arrays.stream(AllowedAuthenticationType.values())
                                    .filter(a -> a.name().equalsIgnoreCase(allowed)).findFirst().orElseThrow(),
                            call.has("ReplicationAllowedFromAnyServer")
                                    ? call.flag("ReplicationAllowedFromAnyServer") : null,
                            call.integer("KerberosAuthenticationPort").orElse(null),
                            call.integer("CertificateAuthenticationPort").orElse(null),
                            call.string("CertificateThumbprint"), call.string("DefaultStorageLocation")));
                    if (call.flag("Passthru")) {
                        call.write(serverObject(host, model.replicationServer(op, host)));
                    }
                }));
        return c;
    }

    private static HyperVModel.Settings settings(Call call) {
        String auth = call.string("AuthenticationType");
        return new HyperVModel.Settings(call.string("ReplicaServerName"),
                call.integer("ReplicaServerPort").orElse(null),
                auth == null ? null : AuthenticationType.parse(auth), call.string("CertificateThumbprint"),
                call.has("CompressionEnabled") ? call.flag("CompressionEnabled") : null,
                call.integer("RecoveryHistory").orElse(null), call.integer("VSSSnapshotFrequencyHour").orElse(null),
                call.integer("ReplicationFrequencySec").orElse(null), call.flag("DisableVSSSnapshotReplication"));
    }

    private static boolean matches(@Nullable String filter, SnapshotType type) {
        if (filter == null) {
            return true;
        }
        // -SnapshotType Replica lists every recovery point (standard and application-consistent), as the
        // documented unplanned-failover sequence relies on to choose among them
        if (filter.equalsIgnoreCase("Replica")) {
            return type == SnapshotType.Replica || type == SnapshotType.AppConsistentReplica
                    || type == SnapshotType.SyncedReplica;
        }
        return filter.equalsIgnoreCase(type.name());
    }

    private static void passReplication(HyperVModel model, Call call, Op op, String host, String vm)
            throws CmdletException {
        if (call.flag("Passthru")) {
            for (VmCopy v : model.vms(op, host, List.of(vm))) {
                call.write(v.mode() == HyperVEnums.ReplicationMode.None ? vmObject(v) : replicationObject(v));
            }
        }
    }

    private static void passVm(HyperVModel model, Call call, Op op, String host, String vm) throws CmdletException {
        if (call.flag("Passthru")) {
            for (VmCopy v : model.vms(op, host, List.of(vm))) {
                call.write(vmObject(v));
            }
        }
    }

    // ============================================================================================== Hyper-V objects

    static PsObject vmObject(VmCopy v) {
        return new PsObject("Microsoft.HyperV.PowerShell.VirtualMachine").put("Name", v.name()).put("Id", v.id())
                .put("State", v.power().psEnum()).put("ComputerName", v.host())
                .put("ReplicationState", v.state().psEnum()).put("ReplicationMode", v.mode().psEnum());
    }

    static PsObject replicationObject(VmCopy v) {
        HyperVModel.Relationship r = v.replication();
        if (r == null) {
            // enabled -AsReplica and waiting for its primary: no relationship settings yet
            return new PsObject("Microsoft.HyperV.PowerShell.VMReplication").put("VMName", v.name())
                    .put("VMId", v.id()).put("ReplicationState", v.state().psEnum())
                    .put("ReplicationHealth", v.health().psEnum()).put("ReplicationMode", v.mode().psEnum())
                    .put("ReplicationRelationshipType",
                            new PsEnum("Microsoft.HyperV.PowerShell.VMReplicationRelationshipType", "Simple", 0))
                    .put("PrimaryServerName", null).put("ReplicaServerName", v.host())
                    .put("CurrentReplicaServerName", v.host()).put("ReplicaServerPort", 0)
                    .put("AuthenticationType", null).put("ReplicationFrequencySec", 0)
                    .put("LastReplicationTime", null).put("RecoveryHistory", 0).put("VSSSnapshotFrequencyHour", 0)
                    .put("CompressionEnabled", false).put("CertificateThumbprint", null)
                    .put("ComputerName", v.host());
        }
        return new PsObject("Microsoft.HyperV.PowerShell.VMReplication").put("VMName", v.name()).put("VMId", v.id())
                .put("ReplicationState", v.state().psEnum()).put("ReplicationHealth", v.health().psEnum())
                .put("ReplicationMode", v.mode().psEnum())
                .put("ReplicationRelationshipType",
                        new PsEnum("Microsoft.HyperV.PowerShell.VMReplicationRelationshipType", "Simple", 0))
                .put("PrimaryServerName", r.primaryServer()).put("ReplicaServerName", r.replicaServer())
                .put("CurrentReplicaServerName", r.replicaServer()).put("ReplicaServerPort", r.port())
                .put("AuthenticationType", r.authenticationType().psEnum())
                .put("ReplicationFrequencySec", r.replicationFrequencySec())
                .put("LastReplicationTime", time(v.lastReplicationTime()))
                .put("RecoveryHistory", r.recoveryHistory())
                .put("VSSSnapshotFrequencyHour", r.vssSnapshotFrequencyHour())
                .put("CompressionEnabled", r.compressionEnabled())
                .put("CertificateThumbprint", r.certificateThumbprint()).put("ComputerName", v.host());
    }

    static PsObject healthObject(VmCopy v) {
        return new PsObject("Microsoft.HyperV.PowerShell.VMReplicationHealth").put("VMName", v.name())
                .put("ReplicationState", v.state().psEnum()).put("ReplicationHealth", v.health().psEnum())
                .put("LastReplicationTime", time(v.lastReplicationTime())).put("PendingReplicationSize", 0L)
                .put("AverageReplicationLatency", 0).put("MaximumReplicationLatency", 0)
                .put("ReplicationErrors", 0).put("SuccessfulReplicationCount", v.successfulReplicationCount())
                .put("MissedReplicationCount", 0);
    }

    static PsObject snapshotObject(ReplicaSnapshot s, String host) {
        return new PsObject("Microsoft.HyperV.PowerShell.VMSnapshot").put("Name", s.name()).put("Id", s.id())
                .put("VMName", s.vmName()).put("VMId", s.vmId()).put("SnapshotType", s.type().psEnum())
                .put("CreationTime", time(s.creationTime())).put("ComputerName", host);
    }

    static PsObject serverObject(String host, ReplicaServerSettings s) {
        return new PsObject("Microsoft.HyperV.PowerShell.VMReplicationServer").put("ComputerName", host)
                .put("ReplicationEnabled", s.replicationEnabled())
                .put("AllowedAuthenticationType", s.allowedAuthenticationType().psEnum())
                .put("ReplicationAllowedFromAnyServer", s.replicationAllowedFromAnyServer())
                .put("KerberosAuthenticationPort", s.kerberosAuthenticationPort())
                .put("CertificateAuthenticationPort", s.certificateAuthenticationPort())
                .put("CertificateThumbprint", s.certificateThumbprint())
                .put("DefaultStorageLocation", s.defaultStorageLocation());
    }

    private static @Nullable OffsetDateTime time(@Nullable Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    // ============================================================================================== VMM

    private static List<Cmdlet> vmm(HyperVModel model) {
        List<Cmdlet> c = new ArrayList<>();
        ParameterSpec server = ParameterSpec.optional("VMMServer", PsType.OBJECT);
        ParameterSpec name = ParameterSpec.optional("Name", PsType.STRING);

        c.add(new ModelCmdlet(model, "Get-SCVMMServer", List.of(set("Default", false,
                ParameterSpec.mandatory("ComputerName", PsType.STRING).at(0),
                ParameterSpec.optional("Credential", PsType.CREDENTIAL),
                ParameterSpec.optional("TCPPort", PsType.INT).range(1, 65535))),
                (call, op, computer) -> {
                    VmmServer s = model.serverOrNull(requireNonNull(call.string("ComputerName")));
                    if (s == null) {
                        throw op.error(ErrorCategory.ObjectNotFound, "CannotConnect", "You cannot contact the VMM "
                                + "management server " + call.string("ComputerName") + ". (Error ID: 1604)");
                    }
                    Site t = s.template;
                    call.write(new PsObject("Microsoft.SystemCenter.VirtualMachineManager.Remoting.ServerConnection")
                            .put("Name", t.name()).put("FullyQualifiedDomainName", t.name())
                            .put("ProductVersion", productVersion(t.vmmVersion()))
                            .put("IsHighlyAvailable", t.isClustered())
                            .put("FailoverClusterName", t.clusterRoleName().orElse(null)));
                }));

        c.add(vmmRead(model, "Get-SCCloud", List.of(server, name), (call, s) -> {
            for (Cloud cloud : s.template.clouds()) {
                if (named(call, cloud.name())) {
                    call.write(new PsObject("Microsoft.SystemCenter.VirtualMachineManager.Cloud")
                            .put("Name", cloud.name()).put("ID", HyperVModel.uuid(s.template.id() + "|cloud|"
                                    + cloud.name()))
                            .put("HostGroup", cloud.hostGroups().stream().map(g -> hostGroupObject(s, g)).toList())
                            .put("CapabilityProfiles", cloud.capabilityProfiles().stream()
                                    .map(p -> named("CapabilityProfile", profileName(p))).toList())
                            .put("LogicalNetworks", cloud.logicalNetworks().stream()
                                    .map(n -> named("LogicalNetwork", n)).toList()));
                }
            }
        }));

        c.add(vmmRead(model, "Get-SCCapabilityProfile", List.of(server, name), (call, s) -> {
            for (dev.secondsite.core.inventory.CapabilityProfile p
                    : dev.secondsite.core.inventory.CapabilityProfile.values()) {
                if (named(call, profileName(p))) {
                    call.write(named("CapabilityProfile", profileName(p)).put("ID", HyperVModel.uuid("profile|"
                            + p.name())));
                }
            }
        }));

        c.add(vmmRead(model, "Get-SCVMHostGroup", List.of(server, name), (call, s) -> {
            for (HostGroup g : s.template.hostGroups()) {
                if (named(call, g.name())) {
                    call.write(hostGroupObject(s, g.name()));
                }
            }
        }));

        c.add(vmmRead(model, "Get-SCVMHost", List.of(server, ParameterSpec.optional("ComputerName", PsType.STRING)),
                (call, s) -> {
                    String wanted = call.string("ComputerName");
                    for (Host h : s.template.hosts()) {
                        if (wanted == null || wanted.equalsIgnoreCase(h.name())
                                || wanted.equalsIgnoreCase(shortName(h.name()))) {
                            call.write(new PsObject("Microsoft.SystemCenter.VirtualMachineManager.Host")
                                    .put("Name", h.name()).put("ComputerName", shortName(h.name()))
                                    .put("OperatingSystem", named("OperatingSystem", osName(h.windowsServerVersion()))
                                            .put("Version", osVersion(h.windowsServerVersion())))
                                    .put("VMHostGroup", named("HostGroup", h.hostGroup()))
                                    .put("HostCluster", h.cluster() == null ? null : named("HostCluster", h.cluster()))
                                    .put("VirtualizationPlatform", new PsEnum(
                                            "Microsoft.VirtualManager.Utils.VirtualizationPlatform",
                                            h.hyperVRole() ? "HyperV" : "Unknown", h.hyperVRole() ? 2 : 0)));
                        }
                    }
                }));

        c.add(vmmRead(model, "Get-SCVMHostCluster", List.of(server, name), (call, s) -> {
            int n = 0;
            for (HyperVCluster cl : s.template.clusters()) {
                n++;
                if (named(call, cl.name())) {
                    call.write(new PsObject("Microsoft.SystemCenter.VirtualMachineManager.HostCluster")
                            .put("Name", cl.name()).put("ClusterName", shortName(cl.name()))
                            .put("IPAddresses", cl.staticIp() ? List.of("10.0." + (n / 250) + "." + (n % 250 + 2))
                                    : List.of())
                            .put("ReplicaBrokerName", cl.replicaBroker()));
                }
            }
        }));

        c.add(vmmRead(model, "Get-SCVirtualMachine", List.of(server, name, ParameterSpec.switchParameter("All")),
                (call, s) -> {
                    for (VmCopy v : model.vmsOf(s)) {
                        if (named(call, v.name())) {
                            call.write(scVmObject(s, v));
                        }
                    }
                }));

        for (String cmdlet : List.of("Get-SCVirtualNetworkAdapter", "Get-SCVirtualDiskDrive")) {
            ParameterSet byVm = set("VM", false, ParameterSpec.mandatory("VM", PsType.OBJECT).at(0).pipeline());
            ParameterSet all = set("All", false, server, mandatorySwitch("All"));
            c.add(new ModelCmdlet(model, cmdlet, List.of(byVm, all), (call, op, computer) -> {
                boolean adapters = cmdlet.equals("Get-SCVirtualNetworkAdapter");
                if (call.has("VM")) {
                    Object vm = call.value("VM");
                    if (!(vm instanceof PsObject o) || !o.has(adapters ? "VirtualNetworkAdapters"
                            : "VirtualDiskDrives")) {
                        throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "Cannot bind parameter "
                                + "'VM': the value is not a virtual machine of VMM (" + vm + ").");
                    }
                    for (Object item : (List<?>) requireNonNull(o.get(adapters ? "VirtualNetworkAdapters"
                            : "VirtualDiskDrives"))) {
                        call.write(item);
                    }
                    return;
                }
                VmmServer s = vmmServer(model, call, op, computer);
                for (VmCopy v : model.vmsOf(s)) {
                    (adapters ? adapterObjects(v) : diskObjects(v)).forEach(call::write);
                }
            }));
        }

        c.add(vmmRead(model, "Get-SCVMNetwork", List.of(server, name), (call, s) -> {
            for (var n : s.template.vmNetworks()) {
                if (named(call, n.name())) {
                    call.write(named("VMNetwork", n.name()).put("ID", HyperVModel.uuid(s.template.id()
                            + "|vmnetwork|" + n.name())).put("LogicalNetwork", named("LogicalNetwork",
                            n.logicalNetwork())));
                }
            }
        }));

        c.add(vmmRead(model, "Get-SCLogicalNetwork", List.of(server, name), (call, s) -> {
            for (var n : s.template.logicalNetworks()) {
                if (named(call, n.name())) {
                    call.write(named("LogicalNetwork", n.name()).put("ID", HyperVModel.uuid(s.template.id()
                            + "|logicalnetwork|" + n.name())));
                }
            }
        }));

        c.add(vmmRead(model, "Get-SCStorageClassification", List.of(server, name), (call, s) -> {
            for (var sc : s.template.storageClassifications()) {
                if (named(call, sc.name())) {
                    call.write(named("StorageClassification", sc.name()).put("ID", HyperVModel.uuid(
                            s.template.id() + "|classification|" + sc.name()))
                            .put("VMHosts", sc.hosts().stream().sorted().toList()));
                }
            }
        }));
        return c;
    }

    private static PsObject scVmObject(VmmServer s, VmCopy v) {
        String cloud = cloudOf(s.template, v.host());
        String status = switch (v.power()) {
            case Running -> "Running";
            case Off -> "PowerOff";
            case Saved -> "Saved";
            case Paused -> "Paused";
            case Stopping -> "PoweringOff";
            case Starting -> "Starting";
        };
        int number = switch (v.power()) {
            case Running -> 0;
            case Off -> 1;
            case Stopping -> 2;
            case Saved -> 3;
            case Paused -> 6;
            case Starting -> 9;
        };
        PsEnum state = new PsEnum("Microsoft.VirtualManager.Utils.VMComputerSystemState", status, number);
        return new PsObject("Microsoft.SystemCenter.VirtualMachineManager.VM").put("Name", v.name())
                .put("ID", v.id()).put("VMHost", named("Host", v.host()))
                .put("Cloud", cloud == null ? null : named("Cloud", cloud)).put("Status", state)
                .put("VirtualMachineState", state).put("VirtualNetworkAdapters", adapterObjects(v))
                .put("VirtualDiskDrives", diskObjects(v));
    }

    private static List<PsObject> adapterObjects(VmCopy v) {
        List<PsObject> out = new ArrayList<>();
        int slot = 0;
        for (Map.Entry<String, String> a : v.adapters().entrySet()) {
            out.add(named("VirtualNetworkAdapter", a.getKey()).put("SlotId", slot++)
                    .put("VMNetwork", a.getValue() == null ? null : named("VMNetwork", a.getValue()))
                    .put("VMName", v.name()).put("VMId", v.id()));
        }
        return out;
    }

    private static List<PsObject> diskObjects(VmCopy v) {
        List<PsObject> out = new ArrayList<>();
        for (VirtualDisk d : v.disks()) {
            out.add(new PsObject("Microsoft.SystemCenter.VirtualMachineManager.VirtualDiskDrive")
                    .put("VirtualHardDisk", new PsObject("Microsoft.SystemCenter.VirtualMachineManager.VirtualHardDisk")
                            .put("Location", d.path())
                            .put("Classification", named("StorageClassification", d.storageClassification())))
                    .put("VMName", v.name()).put("VMId", v.id()));
        }
        return out;
    }

    private static @Nullable String cloudOf(Site site, String host) {
        String group = site.host(host).map(Host::hostGroup).orElse(null);
        while (group != null) {
            for (Cloud cloud : site.clouds()) {
                if (cloud.hostGroups().contains(group)) {
                    return cloud.name();
                }
            }
            String g = group;
            group = site.hostGroups().stream().filter(x -> x.name().equals(g)).findFirst().map(HostGroup::parent)
                    .orElse(null);
        }
        return null;
    }

    private static PsObject hostGroupObject(VmmServer s, String group) {
        HostGroup g = s.template.hostGroups().stream().filter(x -> x.name().equals(group)).findFirst()
                .orElse(HostGroup.of(group));
        List<String> path = new ArrayList<>();
        for (HostGroup at = g; at != null; ) {
            path.add(0, at.name());
            String parent = at.parent();
            at = parent == null ? null : s.template.hostGroups().stream().filter(x -> x.name().equals(parent))
                    .findFirst().orElse(null);
        }
        return named("HostGroup", g.name()).put("ID", HyperVModel.uuid(s.template.id() + "|hostgroup|" + g.name()))
                .put("Path", String.join("\\", path))
                .put("ParentHostGroup", g.parent() == null ? null : named("HostGroup", g.parent()));
    }

    private static PsObject named(String type, String name) {
        return new PsObject("Microsoft.SystemCenter.VirtualMachineManager." + type).put("Name", name);
    }

    private static boolean named(Call call, String actual) {
        String wanted = call.string("Name");
        return wanted == null || wanted.equalsIgnoreCase(actual);
    }

    private static String profileName(dev.secondsite.core.inventory.CapabilityProfile p) {
        return switch (p) {
            case HYPER_V -> "Hyper-V";
            case ESX_SERVER -> "ESX Server";
            case XEN_SERVER -> "XenServer";
        };
    }

    private static String shortName(String fqdn) {
        int dot = fqdn.indexOf('.');
        return dot < 0 ? fqdn : fqdn.substring(0, dot);
    }

    static String osName(WindowsServerVersion v) {
        return switch (v) {
            case WS2008_R2 -> "Windows Server 2008 R2 Datacenter";
            case WS2012 -> "Windows Server 2012 Datacenter";
            case WS2012_R2 -> "Windows Server 2012 R2 Datacenter";
            case WS2016 -> "Windows Server 2016 Datacenter";
            case WS2019 -> "Windows Server 2019 Datacenter";
            case WS2022 -> "Windows Server 2022 Datacenter";
            case WS2025 -> "Windows Server 2025 Datacenter";
        };
    }

    static String osVersion(WindowsServerVersion v) {
        return switch (v) {
            case WS2008_R2 -> "6.1.7601";
            case WS2012 -> "6.2.9200";
            case WS2012_R2 -> "6.3.9600";
            case WS2016 -> "10.0.14393";
            case WS2019 -> "10.0.17763";
            case WS2022 -> "10.0.20348";
            case WS2025 -> "10.0.26100";
        };
    }

    static String productVersion(VmmVersion v) {
        return switch (v) {
            case SC2012 -> "3.0.6005.0";
            case SC2012_SP1 -> "3.1.6011.0";
            case SC2012_R2 -> "3.2.7510.0";
            case SC2016 -> "4.0.1662.0";
            case SC2019 -> "10.19.1013.0";
            case SC2022 -> "10.22.1287.0";
            case SC2025 -> "10.25.1009.0";
        };
    }

    private static VmmServer vmmServer(HyperVModel model, Call call, Op op, String computer) throws CmdletException {
        Object given = call.value("VMMServer");
        String name = given instanceof PsObject o && o.get("Name") != null ? String.valueOf(o.get("Name"))
                : given instanceof String str ? str : computer;
        VmmServer s = model.serverOrNull(name);
        if (s == null) {
            throw op.error(ErrorCategory.ObjectNotFound, "CannotConnect", "You cannot contact the VMM management "
                    + "server " + name + ": no connection to a VMM server is open in this session. (Error ID: 1604)");
        }
        return s;
    }

    private static Cmdlet vmmRead(HyperVModel model, String name, List<ParameterSpec> params, VmmBody body) {
        return new ModelCmdlet(model, name, List.of(set("All", false, params.toArray(ParameterSpec[]::new))),
                (call, op, computer) -> body.run(call, vmmServer(model, call, op, computer)));
    }

    // ============================================================================================== plumbing

    private static ParameterSpec mandatorySwitch(String name) {
        return new ParameterSpec(name, PsType.SWITCH, true, -1, false, null, null, Set.of());
    }

    private static List<ParameterSpec> join(List<ParameterSpec> a, List<ParameterSpec> b) {
        List<ParameterSpec> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static ParameterSet set(String name, boolean shouldProcess, List<ParameterSpec> params) {
        return set(name, shouldProcess, params.toArray(ParameterSpec[]::new));
    }

    private static ParameterSet set(String name, boolean shouldProcess, ParameterSpec... params) {
        List<ParameterSpec> all = new ArrayList<>(Arrays.asList(params));
        all.add(ParameterSpec.optional("ErrorAction", PsType.STRING).oneOf(ERROR_ACTIONS));
        if (shouldProcess) {
            all.add(ParameterSpec.switchParameter("Confirm"));
        }
        return new ParameterSet(name, all);
    }

    /** A {@link CmdletCall} with the list helpers the cmdlets need. */
    private static final class Call {
        private final CmdletCall call;

        Call(CmdletCall call) {
            this.call = call;
        }

        boolean has(String p) {
            return call.has(p);
        }

        @Nullable Object value(String p) {
            return call.value(p);
        }

        @Nullable String string(String p) {
            Object v = call.value(p);
            return v == null ? null : String.valueOf(v);
        }

        java.util.Optional<Integer> integer(String p) {
            return call.integer(p);
        }

        boolean flag(String p) {
            return call.flag(p);
        }

        @Nullable OffsetDateTime dateTime(String p) {
            return call.dateTime(p);
        }

        List<String> names(String p) {
            Object v = call.value(p);
            if (v instanceof List<?> list) {
                List<String> names = new ArrayList<>(list.size());
                for (Object item : list) {
                    names.add(String.valueOf(item));
                }
                return names;
            }
            return v == null ? List.of() : List.of(String.valueOf(v));
        }

        void write(@Nullable Object value) {
            call.write(value);
        }
    }

    @FunctionalInterface
    private interface Body {
        void run(Call call, Op op, String computer) throws CmdletException;
    }

    @FunctionalInterface
    private interface VmmBody {
        void run(Call call, VmmServer server) throws CmdletException;
    }

    /** One cmdlet: its sets, then faults, then its body on the model. */
    private static final class ModelCmdlet implements Cmdlet {
        private final HyperVModel model;
        private final String name;
        private final List<ParameterSet> sets;
        private final Body body;

        ModelCmdlet(HyperVModel model, String name, List<ParameterSet> sets, Body body) {
            this.model = model;
            this.name = name;
            this.sets = List.copyOf(sets);
            this.body = body;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<ParameterSet> parameterSets() {
            return sets;
        }

        @Override
        public void invoke(CmdletCall cmdletCall) throws CmdletException {
            Call call = new Call(cmdletCall);
            Op op = new Op(name, () -> keyParameters(cmdletCall));
            String computer = cmdletCall.computerName();
            if (!name.contains("-SC") && call.has("ComputerName") && !name.equals("Get-SCVMMServer")) {
                List<String> named = call.names("ComputerName");
                if (named.size() != 1) {
                    throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "-ComputerName must name one "
                            + "computer in the simulated fabric (was " + named + ").");
                }
                String target = named.get(0);
                if (!target.equalsIgnoreCase("localhost") && !target.equals(".")) {
                    if (!model.knows(target)) {
                        throw Faults.sessionFault(target, FaultKind.WINRM_UNREACHABLE);
                    }
                    computer = target;
                }
            }
            List<String> vms = call.has("VMName") ? call.names("VMName") : call.has("Name") && !name.contains("-SC")
                    ? call.names("Name") : List.of();
            model.faults().beforeCmdlet(computer, name, vms.isEmpty() ? "" : vms.get(0));
            body.run(call, op, computer);
        }

        private static Map<String, String> keyParameters(CmdletCall call) {
            Map<String, String> out = new LinkedHashMap<>();
            call.bound().forEach((k, v) -> {
                if (!NOT_KEY.contains(k.toLowerCase(Locale.ROOT))) {
                    out.put(k, text(v));
                }
            });
            return out;
        }

        private static String text(@Nullable Object v) {
            if (v instanceof PsObject o) {
                return String.valueOf(o.has("Id") ? o.get("Id") : o.has("Name") ? o.get("Name") : o.typeName());
            }
            if (v instanceof List<?> list) {
                return String.join(",", list.stream().map(ModelCmdlet::text).toList());
            }
            return String.valueOf(v);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
