package dev.secondsite.core.plan;

/**
 * Where a script action runs (RP8): on the plan's source (primary) server's side or on its target (recovery) side.
 * The sides are those of the plan, whatever the direction of the failover that runs it.
 *
 * <p>Thread-safe (an enum).
 */
public enum ScriptSide {
    PRIMARY,
    RECOVERY
}
