package dev.secondsite.core.vault;

import dev.secondsite.core.protection.InitialReplication;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.spi.HostCommand;

/** For tests of other packages: the vault's own mapping of protection values to host command values. */
public final class HostCommandMapping {
    private HostCommandMapping() {
    }

    public static HostCommand.ReplicationParameters parameters(ReplicationSettings settings) {
        return VaultJobs.parameters(settings);
    }

    public static HostCommand.InitialReplicationMethod method(InitialReplication method) {
        return VaultJobs.initialReplication(method);
    }
}
