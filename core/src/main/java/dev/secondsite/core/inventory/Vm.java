package dev.secondsite.core.inventory;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * A virtual machine on a Hyper-V host, as its VMM server reports it. Build one with {@link #builder(String, String)}.
 *
 * @param id the VM's id (a GUID in Hyper-V), unique across every server of a vault
 * @param name the VM's name
 * @param host the host it runs on
 * @param powerState its power state
 * @param networkAdapters its network adapters
 * @param disks its virtual hard disks
 * @param observedReplication Hyper-V Replica settings already on the VM (E3), or null
 */
public record Vm(String id, String name, String host, PowerState powerState, List<NetworkAdapter> networkAdapters,
                 List<VirtualDisk> disks, @Nullable ObservedReplication observedReplication) {
    public Vm {
        Checks.text("VM", "id", id);
        Checks.text("VM " + id, "name", name);
        Checks.text("VM " + name, "host", host);
        Checks.present(Rule.INPUT, "VM " + name, "powerState", powerState);
        networkAdapters = ImmutableList.copyOf(networkAdapters);
        disks = ImmutableList.copyOf(disks);
        Checks.unique("VM " + name, "networkAdapters.name", networkAdapters, NetworkAdapter::name);
        Checks.unique("VM " + name, "disks.path", disks, VirtualDisk::path);
    }

    public Optional<ObservedReplication> existingReplication() {
        return Optional.ofNullable(observedReplication);
    }

    public static Builder builder(String id, String name) {
        return new Builder(id, name);
    }

    /** A builder starting from this VM's values. */
    public Builder toBuilder() {
        Builder b = new Builder(id, name).host(host).powerState(powerState).observedReplication(observedReplication);
        b.networkAdapters.addAll(networkAdapters);
        b.disks.addAll(disks);
        return b;
    }

    /** Builds a {@link Vm}. Not thread-safe; {@link #build()} validates and copies. */
    public static final class Builder {
        private final String id;
        private final String name;
        private @Nullable String host;
        private PowerState powerState = PowerState.RUNNING;
        private final List<NetworkAdapter> networkAdapters = new ArrayList<>();
        private final List<VirtualDisk> disks = new ArrayList<>();
        private @Nullable ObservedReplication observedReplication;

        private Builder(String id, String name) {
            this.id = id;
            this.name = name;
        }

        public Builder host(String host) {
            this.host = requireNonNull(host, "host");
            return this;
        }

        public Builder powerState(PowerState powerState) {
            this.powerState = requireNonNull(powerState, "powerState");
            return this;
        }

        /** Adds an adapter named {@code "nic<index>"} connected to {@code vmNetwork}. */
        public Builder nic(String vmNetwork) {
            return networkAdapter(new NetworkAdapter("nic" + networkAdapters.size(), requireNonNull(vmNetwork)));
        }

        public Builder networkAdapter(NetworkAdapter adapter) {
            networkAdapters.add(requireNonNull(adapter, "adapter"));
            return this;
        }

        /** Adds a disk at {@code path} on storage of {@code classification}. */
        public Builder disk(String path, String classification) {
            disks.add(new VirtualDisk(path, classification));
            return this;
        }

        public Builder observedReplication(@Nullable ObservedReplication observedReplication) {
            this.observedReplication = observedReplication;
            return this;
        }

        /** @throws dev.secondsite.core.InvalidConfigurationException (INPUT) naming a missing or repeated field */
        public Vm build() {
            return new Vm(id, name, Checks.present(Rule.INPUT, "VM " + name, "host", host), powerState,
                    networkAdapters, disks, observedReplication);
        }
    }
}
