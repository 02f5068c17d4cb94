package dev.secondsite.samples.drill;

import dev.secondsite.hyperv.HyperVDriver;
import dev.secondsite.hyperv.PowerShell;

/**
 * The VMM servers and Hyper-V hosts a drill runs on: the simulated fabric ({@link SimulatedHosts}) or real ones
 * ({@link SitesFile#hosts}).
 *
 * <p>Implementations are thread-safe: providers call {@link #powerShellOn} from their own threads.
 */
public interface DrillHosts {
    /** What the drill pairs, protects and fails over. */
    DrillTopology topology();

    /** PowerShell as it runs on (or for) VMM server {@code vmmServer}: the provider of that site uses it. */
    PowerShell powerShellOn(String vmmServer);

    /** The driver of {@code vmmServer}'s provider, before it is built: credentials, timeouts. */
    default HyperVDriver.Builder driver(String vmmServer) {
        return HyperVDriver.builder().powerShell(powerShellOn(vmmServer));
    }

    /** Called once both sites are registered and synced, before the first job: the simulation's faults start here. */
    default void sitesRegistered() {
    }

    /** A line that says what the hosts are, for the drill's first lines. */
    String describe();
}
