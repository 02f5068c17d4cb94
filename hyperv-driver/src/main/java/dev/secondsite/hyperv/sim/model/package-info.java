/**
 * The in-memory model of Hyper-V Replica and VMM behind the simulated fabric, and the cmdlets that act on it:
 * {@link dev.secondsite.hyperv.sim.model.HyperVModel} (hosts, replica servers, VMs, replication relationships,
 * recovery points on an injected clock, VMM inventories), {@link dev.secondsite.hyperv.sim.model.ModelCmdlets} (the
 * Hyper-V and VMM cmdlets as {@link dev.secondsite.hyperv.sim.lang.Cmdlet}s), {@link
 * dev.secondsite.hyperv.sim.model.Faults} (injected failures and latency) and {@link
 * dev.secondsite.hyperv.sim.model.SideEffect} (what changed, in order, for tests).
 */
@ParametersAreNonnullByDefault
package dev.secondsite.hyperv.sim.model;

import javax.annotation.ParametersAreNonnullByDefault;
