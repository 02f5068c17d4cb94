package dev.secondsite.core.plan;

import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Sets;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * An action a plan runs before or after one of its steps (RP4): a {@link Script script} on the primary or the recovery
 * side, or a {@link Manual manual} action that makes the job wait until someone resumes it. Each action says for which
 * failover kinds and directions it runs; elsewhere it is skipped. The name identifies the action inside its plan.
 *
 * <p>New actions run for every kind and direction; narrow them with {@link #withKinds} and {@link #withDirections}.
 * Kinds and directions are sets (iteration in enum order), so no edit or round trip can reorder them.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the action's name, unique in its plan
 * @param kinds the failover kinds it runs for; at least one
 * @param directions the failover directions it runs for; at least one
 * @param details what it does
 */
public record PlanAction(String name, Set<FailoverKind> kinds, Set<FailoverDirection> directions, Details details) {
    /** A script's timeout when none is given (RP8): 600 seconds, as in the site-recovery service. */
    public static final Duration DEFAULT_SCRIPT_TIMEOUT = Duration.ofSeconds(600);

    /**
     * @throws InvalidConfigurationException (RP4) when the name is blank, kinds or directions are empty, or a value
     *                                       is missing
     */
    public PlanAction {
        Checks.text(Rule.RP4, "action", "name", name);
        String subject = "action " + name;
        kinds = nonEmpty(subject, "kinds", Checks.present(Rule.RP4, subject, "kinds", kinds));
        directions = nonEmpty(subject, "directions", Checks.present(Rule.RP4, subject, "directions", directions));
        Checks.present(Rule.RP4, subject, "details", details);
    }

    private static <E extends Enum<E>> ImmutableSet<E> nonEmpty(String subject, String field, Set<E> values) {
        if (values.isEmpty()) {
            throw InvalidConfigurationException.of(Rule.RP4, subject, field, "[]",
                    field + " ([]) must name at least one value, or the action would never run");
        }
        return Sets.immutableEnumSet(values);
    }

    /**
     * A script action with the {@link #DEFAULT_SCRIPT_TIMEOUT default timeout}, for every kind and direction.
     *
     * @throws InvalidConfigurationException (RP4, RP8) when a value is blank or missing
     */
    public static PlanAction script(String name, String path, ScriptSide side) {
        return script(name, path, side, DEFAULT_SCRIPT_TIMEOUT);
    }

    /**
     * A script action for every kind and direction.
     *
     * @throws InvalidConfigurationException (RP4, RP8) when a value is blank or missing or the timeout not positive
     */
    public static PlanAction script(String name, String path, ScriptSide side, Duration timeout) {
        return new PlanAction(name, EnumSet.allOf(FailoverKind.class), EnumSet.allOf(FailoverDirection.class),
                new Script(path, side, timeout));
    }

    /**
     * A manual action for every kind and direction.
     *
     * @throws InvalidConfigurationException (RP4) when the name or the instructions are blank
     */
    public static PlanAction manual(String name, String instructions) {
        return new PlanAction(name, EnumSet.allOf(FailoverKind.class), EnumSet.allOf(FailoverDirection.class),
                new Manual(instructions));
    }

    /**
     * This action, run only for the given kinds.
     *
     * @throws InvalidConfigurationException (RP4) when no kind is given
     */
    public PlanAction withKinds(FailoverKind... kinds) {
        return withKinds(Arrays.asList(kinds));
    }

    /** @throws InvalidConfigurationException (RP4) when {@code kinds} is empty */
    public PlanAction withKinds(Collection<FailoverKind> kinds) {
        return new PlanAction(name, Set.copyOf(kinds), directions, details);
    }

    /**
     * This action, run only for the given directions.
     *
     * @throws InvalidConfigurationException (RP4) when no direction is given
     */
    public PlanAction withDirections(FailoverDirection... directions) {
        return withDirections(Arrays.asList(directions));
    }

    /** @throws InvalidConfigurationException (RP4) when {@code directions} is empty */
    public PlanAction withDirections(Collection<FailoverDirection> directions) {
        return new PlanAction(name, kinds, Set.copyOf(directions), details);
    }

    /** This action under another name. @throws InvalidConfigurationException (RP4) when the name is blank */
    public PlanAction withName(String name) {
        return new PlanAction(name, kinds, directions, details);
    }

    /** Whether this action runs in a failover of {@code kind} in {@code direction}. */
    public boolean appliesTo(FailoverKind kind, FailoverDirection direction) {
        return kinds.contains(kind) && directions.contains(direction);
    }

    /** What an action does: {@link Script} or {@link Manual}. Implementations are immutable and thread-safe. */
    public sealed interface Details permits Script, Manual {
    }

    /**
     * Runs a script (RP8). A failing script stops a planned failover and is recorded, without stopping, in an unplanned
     * one; that is the job engine's part.
     *
     * <p>Immutable and thread-safe.
     *
     * @param path the script's path, e.g. in the VMM library share
     * @param side where it runs
     * @param timeout how long it may run; positive
     */
    public record Script(String path, ScriptSide side, Duration timeout) implements Details {
        /** @throws InvalidConfigurationException (RP8) when a value is blank or missing or the timeout not positive */
        public Script {
            Checks.text(Rule.RP8, "script action", "path", path);
            Checks.present(Rule.RP8, "script " + path, "side", side);
            Checks.present(Rule.RP8, "script " + path, "timeout", timeout);
            if (timeout.isNegative() || timeout.isZero()) {
                throw InvalidConfigurationException.of(Rule.RP8, "script " + path, "timeout", timeout,
                        "timeout (" + timeout + ") must be positive");
            }
        }
    }

    /**
     * Makes the job wait until someone resumes it (J2), showing {@code instructions}. Immutable and thread-safe.
     *
     * <p>RP4: an action is checked here, where every plan is built (by code or by any document reader), against
     * everything a failover needs of it, so that a plan that saves can also run: a manual action without
     * instructions would leave the operator a waiting job and nothing to do, and the failover refuses it.
     *
     * @param instructions what the operator should do; not blank
     */
    public record Manual(String instructions) implements Details {
        /** @throws InvalidConfigurationException (RP4) when instructions are missing or blank */
        public Manual {
            Checks.text(Rule.RP4, "manual action", "instructions", instructions);
        }
    }
}
