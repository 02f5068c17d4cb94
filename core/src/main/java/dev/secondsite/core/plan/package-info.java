/**
 * Recovery plans (SPEC section 7) and the order in which a failover runs them.
 *
 * <ul>
 *   <li>{@link dev.secondsite.core.plan.RecoveryPlan}: a name, a source and a target server, boot groups
 *       1..n of protected VMs ({@link dev.secondsite.core.plan.RecoveryGroup}) with per-VM
 *       {@link dev.secondsite.core.plan.Dependency dependencies}, and {@link dev.secondsite.core.plan.PlanAction
 *       actions} in {@link dev.secondsite.core.plan.Slot slots} before and after each step. Built and edited through
 *       {@link dev.secondsite.core.plan.RecoveryPlan.Builder}, which asks a
 *       {@link dev.secondsite.core.plan.PlanContext} which VMs are protected (RP1) and which VMs a replication group
 *       holds (RP2).</li>
 *   <li>{@link dev.secondsite.core.plan.ExecutionOrder}: the pure function from a plan, a
 *       {@link dev.secondsite.core.plan.FailoverKind} and a {@link dev.secondsite.core.plan.FailoverDirection} to the
 *       {@link dev.secondsite.core.plan.Stage stages} a job runs (RP3, RP5, RP7).</li>
 *   <li>{@link dev.secondsite.core.plan.PlanInvariants}: a checker users call from their own property tests.</li>
 * </ul>
 *
 * <p>Everything here is pure: immutable values, no I/O, threads, clocks or logging.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.plan;

import javax.annotation.ParametersAreNonnullByDefault;
