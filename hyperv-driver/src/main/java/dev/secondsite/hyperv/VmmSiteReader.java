package dev.secondsite.hyperv;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secondsite.core.inventory.CapabilityProfile;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.HyperVCluster;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.NetworkAdapter;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.core.spi.CommandResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.annotation.Nullable;

/**
 * Reads a VMM server's inventory into the core's {@link Site} (R4, R5): one PowerShell run on the VMM server
 * ({@code Get-SCVMMServer}, {@code Get-SCCloud}, {@code Get-SCCapabilityProfile}, {@code Get-SCVMHostGroup},
 * {@code Get-SCVMHost}, {@code Get-SCVMHostCluster}, {@code Get-SCVirtualMachine} with each VM's adapters and
 * disks, {@code Get-SCVMNetwork}, {@code Get-SCLogicalNetwork}, {@code Get-SCStorageClassification}, and
 * {@code Get-VMReplication} on every host through {@code Invoke-Command}), through the same runner, quoting and
 * parsing rules as {@link HyperVDriver}. Give it to a provider as its inventory supplier.
 *
 * <p>E3: a VM whose copy on its own host is a Hyper-V Replica primary gets that relationship's settings as its
 * {@link ObservedReplication} (replica server, port, authentication type, frequency, recovery history,
 * app-consistent frequency, compression), so the vault onboards it with the settings it has.
 *
 * <p>Maps VMM's ProductVersion to {@link VmmVersion} (3.0 2012, 3.1 2012 SP1, 3.2 2012 R2, 4.0 2016, 10.19 2019,
 * 10.22 2022, 10.25 2025), a host's OS version to {@link WindowsServerVersion} (6.1, 6.2, 6.3, then Windows Server
 * 10.0 by build: 14393 2016, 17763 2019, 20348 2022, 26100 2025, a build between two of them counting as the
 * older), VM states by name.
 *
 * <p>Thread-safe when its runner is; every {@link #get()} reads afresh.
 */
public final class VmmSiteReader implements Supplier<Site> {
    private final PowerShell powerShell;
    private final String siteId;
    private final String vmmServer;
    private final Duration timeout;

    /**
     * @param siteId the id the site gets (the registered server's id)
     * @param vmmServer the VMM server to read, as {@code Get-SCVMMServer -ComputerName} takes it
     * @param timeout how long the read may take
     */
    public VmmSiteReader(PowerShell powerShell, String siteId, String vmmServer, Duration timeout) {
        this.powerShell = requireNonNull(powerShell, "powerShell");
        this.siteId = requireNonNull(siteId, "siteId");
        this.vmmServer = requireNonNull(vmmServer, "vmmServer");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /**
     * @throws VmmInventoryException when the read fails (transient or not) or a value cannot be mapped, naming
     *     the field and value
     * @throws dev.secondsite.core.InvalidConfigurationException (INPUT) when the objects read do not form a
     *     consistent site (a repeated name, a reference to nothing), naming it
     */
    @Override
    public Site get() {
        PowerShellResult run;
        try {
            run = powerShell.run(new PowerShellInvocation(VmmScripts.READ_SITE.arguments(),
                    Stdin.of(List.of(vmmServer), null, false, null), timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmmInventoryException("output", null, "ReadVmmSite " + vmmServer
                    + ": interrupted while PowerShell ran", true);
        }
        String what = "ReadVmmSite " + vmmServer;
        Replies.Reply reply = Replies.read(what, run, timeout.toString());
        if (!reply.ok()) {
            CommandResult failure = reply.failure();
            throw new VmmInventoryException("output", null, failure.message(),
                    failure.outcome() == CommandResult.Outcome.TRANSIENT_FAILURE);
        }
        try {
            return site(reply.items());
        } catch (Replies.MalformedOutputException e) {
            throw new VmmInventoryException("output", null, what + ": malformed output: " + e.getMessage(), false);
        }
    }

    /** The site the projected records describe. */
    Site site(List<JsonNode> items) {
        JsonNode server = null;
        for (JsonNode item : items) {
            if ("Server".equals(Replies.string(item, "Kind"))) {
                server = item;
            }
        }
        if (server == null) {
            throw new Replies.MalformedOutputException("no Server record");
        }
        String fqdn = Replies.optionalString(server, "FullyQualifiedDomainName");
        Site.Builder site = Site.builder(siteId, fqdn == null || fqdn.isBlank() ? Replies.string(server, "Name")
                : fqdn);
        site.vmmVersion(vmmVersion(Replies.string(server, "ProductVersion")));
        if (server.path("IsHighlyAvailable").asBoolean(false)) {
            site.clusterRoleName(Replies.string(server, "FailoverClusterName"));
        }
        Map<String, ObservedReplication> replications = new HashMap<>();
        for (JsonNode item : items) {
            if ("Replication".equals(Replies.string(item, "Kind"))
                    && "Primary".equalsIgnoreCase(Replies.optionalString(item, "ReplicationMode"))) {
                replications.put(copyKey(Replies.string(item, "VMId"), Replies.string(item, "ComputerName")),
                        observedReplication(item));
            }
        }
        for (JsonNode item : items) {
            String kind = Replies.string(item, "Kind");
            String name = kind.equals("Server") || kind.equals("Replication") ? null : Replies.string(item, "Name");
            switch (kind) {
                case "Replication" -> {
                    // read above; a replica's or a test VM's record carries no settings of its own VM (E3)
                }
                case "Server", "CapabilityProfile" -> {
                    // the server is read above; profiles are named by each cloud
                }
                case "Cloud" -> {
                    Set<CapabilityProfile> profiles = EnumSet.noneOf(CapabilityProfile.class);
                    for (String profile : strings(item, "CapabilityProfiles")) {
                        profiles.add(capabilityProfile(name, profile));
                    }
                    site.cloud(new Cloud(name, profiles, strings(item, "HostGroups"),
                            Set.copyOf(strings(item, "LogicalNetworks"))));
                }
                case "HostGroup" -> site.hostGroup(new HostGroup(name, blankToNull(
                        Replies.optionalString(item, "Parent"))));
                case "Host" -> site.host(new Host(name, windowsServerVersion(name,
                        Replies.string(item, "OperatingSystemVersion")), Replies.string(item, "HostGroup"),
                        "HyperV".equalsIgnoreCase(Replies.optionalString(item, "VirtualizationPlatform")),
                        blankToNull(Replies.optionalString(item, "Cluster"))));
                case "HostCluster" -> site.cluster(new HyperVCluster(name, !strings(item, "IPAddresses").isEmpty(),
                        blankToNull(Replies.optionalString(item, "ReplicaBrokerName"))));
                case "LogicalNetwork" -> site.logicalNetwork(new LogicalNetwork(name));
                case "VMNetwork" -> site.vmNetwork(new VmNetwork(name, Replies.string(item, "LogicalNetwork")));
                case "StorageClassification" -> site.storageClassification(new StorageClassification(name,
                        Set.copyOf(strings(item, "VMHosts"))));
                case "Vm" -> site.vm(vm(item, name, replications));
                default -> throw new VmmInventoryException("Kind", kind, "ReadVmmSite " + vmmServer
                        + ": Kind (" + kind + ") is not a record the reader knows", false);
            }
        }
        return site.build();
    }

    private static Vm vm(JsonNode item, String name, Map<String, ObservedReplication> replications) {
        String id = Replies.string(item, "ID");
        String host = Replies.string(item, "VMHost");
        Vm.Builder vm = Vm.builder(id, name).host(host)
                .powerState(powerState(name, Replies.string(item, "VirtualMachineState")))
                .observedReplication(replications.get(copyKey(id, host)));
        for (JsonNode adapter : array(item, "Adapters")) {
            vm.networkAdapter(new NetworkAdapter(Replies.string(adapter, "Name"),
                    blankToNull(Replies.optionalString(adapter, "VMNetwork"))));
        }
        for (JsonNode disk : array(item, "Disks")) {
            String location = Replies.string(disk, "Location");
            String classification = blankToNull(Replies.optionalString(disk, "Classification"));
            if (classification == null) {
                throw new VmmInventoryException("VirtualHardDisk.Classification", null, "VM " + name + ": disk "
                        + location + " has no storage classification (VirtualHardDisk.Classification is empty)",
                        false);
            }
            vm.disk(location, classification);
        }
        return vm.build();
    }

    /** A VM copy: both copies of a VM have its id, so the host tells the primary from the replica. */
    private static String copyKey(String vmId, String host) {
        return vmId.toLowerCase(Locale.ROOT) + "@" + host.toLowerCase(Locale.ROOT);
    }

    /** A primary relationship's settings as Get-VMReplication reports them (E3). */
    private static ObservedReplication observedReplication(JsonNode item) {
        String vm = Replies.string(item, "VMName");
        try {
            return new ObservedReplication(Replies.string(item, "ReplicaServerName"),
                    integer(item, "ReplicationFrequencySec"), integer(item, "RecoveryHistory"),
                    integer(item, "VSSSnapshotFrequencyHour"), bool(item, "CompressionEnabled"),
                    Replies.string(item, "AuthenticationType"), integer(item, "ReplicaServerPort"));
        } catch (dev.secondsite.core.InvalidConfigurationException e) {
            throw new VmmInventoryException("VMReplication", vm, "VM " + vm + ": Get-VMReplication reports "
                    + "settings the inventory cannot hold: " + e.getMessage(), false);
        }
    }

    private static int integer(JsonNode item, String field) {
        JsonNode node = item.get(field);
        if (node == null || !node.canConvertToInt()) {
            throw new Replies.MalformedOutputException(field + " (" + node + ") must be a whole number");
        }
        return node.intValue();
    }

    private static boolean bool(JsonNode item, String field) {
        JsonNode node = item.get(field);
        if (node == null || !node.isBoolean()) {
            throw new Replies.MalformedOutputException(field + " (" + node + ") must be true or false");
        }
        return node.booleanValue();
    }

    /** VMM's ProductVersion (major.minor.build.revision) as the release it belongs to. */
    static VmmVersion vmmVersion(String productVersion) {
        int[] v = numbers(productVersion);
        if (v.length >= 2) {
            int major = v[0];
            int minor = v[1];
            if (major == 3 && minor == 0) {
                return VmmVersion.SC2012;
            } else if (major == 3 && minor == 1) {
                return VmmVersion.SC2012_SP1;
            } else if (major == 3 && minor == 2) {
                return VmmVersion.SC2012_R2;
            } else if (major == 4 && minor == 0) {
                return VmmVersion.SC2016;
            } else if (major == 10 && minor == 19) {
                return VmmVersion.SC2019;
            } else if (major == 10 && minor == 22) {
                return VmmVersion.SC2022;
            } else if (major == 10 && minor == 25) {
                return VmmVersion.SC2025;
            }
        }
        throw new VmmInventoryException("ProductVersion", productVersion, "ProductVersion (" + productVersion
                + ") is not a System Center VMM release the inventory knows (3.0, 3.1, 3.2, 4.0, 10.19, 10.22, "
                + "10.25)", false);
    }

    /** A host's OperatingSystem.Version as its Windows Server release. */
    static WindowsServerVersion windowsServerVersion(String host, String version) {
        int[] v = numbers(version);
        if (v.length >= 2) {
            if (v[0] == 6 && v[1] == 1) {
                return WindowsServerVersion.WS2008_R2;
            } else if (v[0] == 6 && v[1] == 2) {
                return WindowsServerVersion.WS2012;
            } else if (v[0] == 6 && v[1] == 3) {
                return WindowsServerVersion.WS2012_R2;
            } else if (v[0] == 10 && v[1] == 0 && v.length >= 3) {
                int build = v[2];
                if (build >= 26100) {
                    return WindowsServerVersion.WS2025;
                } else if (build >= 20348) {
                    return WindowsServerVersion.WS2022;
                } else if (build >= 17763) {
                    return WindowsServerVersion.WS2019;
                } else if (build >= 14393) {
                    return WindowsServerVersion.WS2016;
                }
            }
        }
        throw new VmmInventoryException("OperatingSystem.Version", version, "host " + host
                + ": OperatingSystem.Version (" + version + ") is not a Windows Server release the inventory knows",
                false);
    }

    static PowerState powerState(String vm, String state) {
        return switch (state) {
            case "Running" -> PowerState.RUNNING;
            case "PowerOff", "Stopped" -> PowerState.OFF;
            case "Saved" -> PowerState.SAVED;
            case "Paused" -> PowerState.PAUSED;
            case "Stopping" -> PowerState.STOPPING;
            case "Starting" -> PowerState.STARTING;
            default -> throw new VmmInventoryException("VirtualMachineState", state, "VM " + vm
                    + ": VirtualMachineState (" + state + ") has no power state in the inventory", false);
        };
    }

    static CapabilityProfile capabilityProfile(String cloud, String profile) {
        return switch (profile) {
            case "Hyper-V" -> CapabilityProfile.HYPER_V;
            case "ESX Server" -> CapabilityProfile.ESX_SERVER;
            case "XenServer", "Xen Server" -> CapabilityProfile.XEN_SERVER;
            default -> throw new VmmInventoryException("CapabilityProfiles", profile, "cloud " + cloud
                    + ": CapabilityProfiles ('" + profile + "') is not a profile the inventory knows (Hyper-V, ESX "
                    + "Server, XenServer)", false);
        };
    }

    /** A string array (5.1 unrolls one element to a plain string); nulls and blanks from @($null) dropped. */
    private static List<String> strings(JsonNode item, String field) {
        JsonNode node = item.get(field);
        List<String> values = new ArrayList<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (node.isTextual()) {
            if (!node.textValue().isBlank()) {
                values.add(node.textValue());
            }
            return values;
        }
        if (!node.isArray()) {
            throw new Replies.MalformedOutputException(field + " (" + node + ") must be a list of strings");
        }
        for (JsonNode element : node) {
            if (element.isTextual() && !element.textValue().isBlank()) {
                values.add(element.textValue());
            } else if (!element.isNull() && !element.isTextual()) {
                throw new Replies.MalformedOutputException(field + " holds " + element + ", not a string");
            }
        }
        return values;
    }

    /** An object array, or one object unrolled by 5.1. */
    private static List<JsonNode> array(JsonNode item, String field) {
        JsonNode node = item.get(field);
        List<JsonNode> values = new ArrayList<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (node.isObject()) {
            values.add(node);
            return values;
        }
        if (!node.isArray()) {
            throw new Replies.MalformedOutputException(field + " (" + node + ") must be a list of objects");
        }
        for (JsonNode element : node) {
            if (element.isObject()) {
                values.add(element);
            } else if (!element.isNull()) {
                throw new Replies.MalformedOutputException(field + " holds " + element + ", not an object");
            }
        }
        return values;
    }

    private static int[] numbers(String version) {
        String[] parts = version.trim().split("\\.");
        int[] numbers = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                numbers[i] = Integer.parseInt(parts[i]);
            }
        } catch (NumberFormatException e) {
            return new int[0];
        }
        return numbers;
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String toString() {
        return "VmmSiteReader[" + vmmServer + " as site " + siteId + "]";
    }
}
