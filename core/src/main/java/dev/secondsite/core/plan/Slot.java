package dev.secondsite.core.plan;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.util.Locale;

/**
 * A place for {@link PlanAction actions} in a plan (RP4, RP7): before or after the shutdown step, the failover step or
 * one boot group. Inside a slot, actions keep the order they were given.
 *
 * <p>Immutable and thread-safe.
 *
 * @param stage the step
 * @param group the boot group number (1..n) for {@link StageKind#BOOT}; 0 for the shutdown and failover steps
 * @param position before or after the step
 */
public record Slot(StageKind stage, int group, Position position) {
    /** Before or after a step. Thread-safe (an enum). */
    public enum Position {
        BEFORE,
        AFTER
    }

    /**
     * @throws InvalidConfigurationException (INPUT) when a value is missing, a boot slot has a group below 1, or
     *                                       another slot has a group other than 0
     */
    public Slot {
        Checks.present(Rule.INPUT, "slot", "stage", stage);
        Checks.present(Rule.INPUT, "slot", "position", position);
        if (stage == StageKind.BOOT) {
            Checks.range(Rule.INPUT, "slot", "group", group, 1, Integer.MAX_VALUE);
        } else if (group != 0) {
            throw InvalidConfigurationException.of(Rule.INPUT, "slot", "group", group,
                    "group (" + group + ") must be 0 for the " + stage + " step");
        }
    }

    public static Slot beforeShutdown() {
        return new Slot(StageKind.SHUTDOWN, 0, Position.BEFORE);
    }

    public static Slot afterShutdown() {
        return new Slot(StageKind.SHUTDOWN, 0, Position.AFTER);
    }

    public static Slot beforeFailover() {
        return new Slot(StageKind.FAILOVER, 0, Position.BEFORE);
    }

    public static Slot afterFailover() {
        return new Slot(StageKind.FAILOVER, 0, Position.AFTER);
    }

    /** @throws InvalidConfigurationException (INPUT) when {@code group < 1} */
    public static Slot beforeGroup(int group) {
        return new Slot(StageKind.BOOT, group, Position.BEFORE);
    }

    /** @throws InvalidConfigurationException (INPUT) when {@code group < 1} */
    public static Slot afterGroup(int group) {
        return new Slot(StageKind.BOOT, group, Position.AFTER);
    }

    /** "before group 2", "after shutdown". */
    @Override
    public String toString() {
        return position.name().toLowerCase(Locale.ROOT) + " " + Stage.label(stage, group);
    }
}
