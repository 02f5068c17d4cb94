package dev.secondsite.core.protection;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.Rule;
import java.util.List;

/**
 * What must be true outside VMM for offline initial replication to work (O2 to O4), as items the pairing job shows
 * and a host driver may verify. Derived from a pairing's settings; empty when it replicates over the network.
 *
 * <p>Immutable and thread-safe.
 *
 * @param items the items, in the order to do them
 */
public record OfflineChecklist(List<Item> items) {

    /**
     * One thing to set up. Immutable and thread-safe.
     *
     * @param rule O2, O3 or O4
     * @param machine the machine it is done on, as named by the path or the pairing
     * @param instruction what to do
     */
    public record Item(Rule rule, String machine, String instruction) {
        public Item {
            requireNonNull(rule, "rule");
            requireNonNull(machine, "machine");
            requireNonNull(instruction, "instruction");
        }
    }

    public OfflineChecklist {
        items = ImmutableList.copyOf(items);
    }

    /** The checklist of {@code pairing}: empty unless its initial replication is offline. */
    public static OfflineChecklist of(CloudPairing pairing) {
        if (!(pairing.settings().initialReplication() instanceof InitialReplication.Offline offline)) {
            return new OfflineChecklist(List.of());
        }
        String exportMachine = offline.exportMachine().orElse("the machine that holds " + offline.exportPath());
        String importMachine = offline.importMachine().orElse("the machine that holds " + offline.importPath());
        String primaryServer = "VMM server " + pairing.primaryServerId();
        String targetServer = "VMM server " + pairing.targetServerId();
        String hosts = "each Hyper-V host of cloud " + pairing.primary() + " with VMs to protect";
        ImmutableList.Builder<Item> items = ImmutableList.builder();
        items.add(new Item(Rule.O2, exportMachine, "Give the VMM service account of " + primaryServer
                + " full control (NTFS and share permissions) on the export path " + offline.exportPath() + "."));
        items.add(new Item(Rule.O2, importMachine, "Give the VMM service account of " + targetServer
                + " full control (NTFS and share permissions) on the import path " + offline.importPath() + "."));
        offline.exportMachine().ifPresent(m -> items.add(new Item(Rule.O2, m, "Make the VMM service account of "
                + primaryServer + " a member of Administrators, Power Users, Print Operators and Server Operators on "
                + m + ", which shares the export path.")));
        offline.importMachine().ifPresent(m -> items.add(new Item(Rule.O2, m, "Make the VMM service account of "
                + targetServer + " a member of Administrators, Power Users, Print Operators and Server Operators on "
                + m + ", which shares the import path.")));
        items.add(new Item(Rule.O2, exportMachine + ", " + importMachine, "Give every VMM Run As account used to "
                + "add hosts read and write permissions on " + offline.exportPath() + " and "
                + offline.importPath() + "."));
        items.add(new Item(Rule.O3, hosts, "In Active Directory, trust the host for delegation to the CIFS "
                + "service of " + exportMachine + " only (constrained delegation, any authentication protocol)."));
        items.add(new Item(Rule.O3, hosts, "In Active Directory, trust the host for delegation to the CIFS "
                + "service of " + importMachine + " only (constrained delegation, any authentication protocol)."));
        items.add(new Item(Rule.O4, exportMachine + " -> " + importMachine, "After protection is enabled for a VM, "
                + "ship its exported data from " + offline.exportPath() + " to the recovery site and copy it into "
                + offline.importPath() + "."));
        return new OfflineChecklist(items.build());
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }
}
