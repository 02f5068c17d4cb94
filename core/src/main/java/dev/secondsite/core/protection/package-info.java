/**
 * Cloud protection: replication settings ({@link dev.secondsite.core.protection.ReplicationSettings}), cloud
 * pairings, network and storage mappings, protected VMs with their state machine
 * ({@link dev.secondsite.core.protection.ProtectionStateMachine}), and the aggregate that checks the rules of
 * SPEC.md sections 1 and 3 to 6 against a vault's inventory
 * ({@link dev.secondsite.core.protection.ProtectionConfiguration}).
 *
 * <p>Pure: no I/O, threads, clocks or logging. Every value is immutable; every change returns a new value or throws
 * {@link dev.secondsite.core.InvalidConfigurationException} / {@link dev.secondsite.core.IllegalTransitionException}
 * and leaves the old one as it was.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.protection;

import javax.annotation.ParametersAreNonnullByDefault;
