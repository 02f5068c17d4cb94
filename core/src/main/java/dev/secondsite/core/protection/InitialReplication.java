package dev.secondsite.core.protection;

import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * How a newly protected VM's data first reaches the replica before normal replication starts (C10): over the
 * network now, over the network at a time of day, offline through an export and an import path (O1), or from a
 * copy already on the replica host (restored from a backup), so only the differences cross the network.
 *
 * <p>Every implementation is an immutable record and thread-safe.
 */
public sealed interface InitialReplication
        permits InitialReplication.OverNetworkNow, InitialReplication.OverNetworkScheduled,
        InitialReplication.Offline, InitialReplication.UsingExistingReplica {

    /** Over the network, starting as soon as protection is enabled; the default. */
    static InitialReplication overNetworkNow() {
        return OverNetworkNow.INSTANCE;
    }

    /**
     * Over the network, starting at {@code startTime} (a time of day on the primary hosts' clock).
     *
     * @throws InvalidConfigurationException (C10) when {@code startTime} is null
     */
    static InitialReplication overNetworkAt(LocalTime startTime) {
        return new OverNetworkScheduled(startTime);
    }

    /**
     * Offline: exported to {@code exportPath} on the primary side, shipped, imported from {@code importPath}.
     *
     * @throws InvalidConfigurationException (O1) with every finding when a path is missing, relative or loopback
     */
    static InitialReplication offline(String exportPath, String importPath) {
        return new Offline(exportPath, importPath);
    }

    /**
     * From an existing copy of each VM on its replica host, e.g. restored from a backup: the replica host takes it
     * as the replica ({@code Enable-VMReplication -AsReplica}) before the primary enables replication, and the
     * initial replication sends only the differences ({@code Start-VMInitialReplication -UseBackup}).
     */
    static InitialReplication usingExistingReplica() {
        return UsingExistingReplica.INSTANCE;
    }

    /** True for {@link Offline}. */
    default boolean isOffline() {
        return this instanceof Offline;
    }

    /** Over the network, now. */
    record OverNetworkNow() implements InitialReplication {
        private static final OverNetworkNow INSTANCE = new OverNetworkNow();
    }

    /**
     * Over the network at a time of day. The time is a setting of the pairing, applied to every VM protected later,
     * so it is a time of day and not an instant; the job turns it into an instant with
     * {@link #nextStartAfter(ZonedDateTime)} and the clock it is given.
     *
     * @param startTime the time of day to start
     */
    record OverNetworkScheduled(LocalTime startTime) implements InitialReplication {
        public OverNetworkScheduled {
            Checks.present(Rule.C10, ReplicationSettings.SUBJECT, "initialReplication.startTime", startTime);
        }

        /** The first moment at {@link #startTime()} strictly after {@code now}, in {@code now}'s zone. */
        public ZonedDateTime nextStartAfter(ZonedDateTime now) {
            ZonedDateTime today = now.with(startTime);
            return today.isAfter(now) ? today : now.plusDays(1).with(startTime);
        }
    }

    /**
     * Offline initial replication (C10, O1). Both paths must be given and absolute as Windows reads them
     * ({@code D:\export}, {@code \\server\share\export}); a UNC path must not name the machine itself
     * ({@code localhost}, {@code 127.0.0.1}) because Hyper-V does not support loopback. Whether a path lies on a
     * host that takes part in the replication needs the inventory: {@link ProtectionConfiguration#pair} checks it.
     *
     * @param exportPath where the primary side exports the VM's data
     * @param importPath where the recovery side imports it from
     */
    record Offline(String exportPath, String importPath) implements InitialReplication {
        public Offline {
            List<Finding> errors = new ArrayList<>();
            checkPath("exportPath", exportPath, errors);
            checkPath("importPath", importPath, errors);
            if (!errors.isEmpty()) {
                throw new InvalidConfigurationException(errors);
            }
        }

        /** The machine named by the export path when it is a UNC path. */
        public Optional<String> exportMachine() {
            return WindowsPaths.uncHost(exportPath);
        }

        /** The machine named by the import path when it is a UNC path. */
        public Optional<String> importMachine() {
            return WindowsPaths.uncHost(importPath);
        }

        private static void checkPath(String field, @Nullable String path, List<Finding> errors) {
            String name = "initialReplication." + field;
            if (path == null || path.isBlank()) {
                errors.add(Finding.error(Rule.O1, ReplicationSettings.SUBJECT, name, path,
                        name + " (" + (path == null ? "missing" : "'" + path + "'") + ") must be given"));
            } else if (!WindowsPaths.isAbsolute(path)) {
                errors.add(Finding.error(Rule.O1, ReplicationSettings.SUBJECT, name, path,
                        name + " (" + path + ") must be an absolute path such as D:\\export or \\\\server\\share"));
            } else if (WindowsPaths.uncHost(path).filter(WindowsPaths::isLoopback).isPresent()) {
                errors.add(Finding.error(Rule.O1, ReplicationSettings.SUBJECT, name, path,
                        name + " (" + path + ") must not be a loopback path: Hyper-V does not support loopback"));
            }
        }
    }

    /**
     * From a copy of the VM that already exists on the replica host (restored from a backup); see
     * {@link #usingExistingReplica()}.
     */
    record UsingExistingReplica() implements InitialReplication {
        private static final UsingExistingReplica INSTANCE = new UsingExistingReplica();
    }
}
