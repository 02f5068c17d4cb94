/**
 * The simulated Hyper-V fabric: {@link dev.secondsite.hyperv.sim.SimulatedFabric} runs the driver's very PowerShell
 * scripts against an in-memory model of Hyper-V Replica hosts and VMM servers (for tests, the samples' embedded
 * default and DR drills in CI).
 */
@ParametersAreNonnullByDefault
package dev.secondsite.hyperv.sim;

import javax.annotation.ParametersAreNonnullByDefault;
