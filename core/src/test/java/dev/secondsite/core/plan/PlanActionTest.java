package dev.secondsite.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PlanActionTest {
    @Test
    @DisplayName("RP8 a script has a path, a side and a timeout of 600 s unless given")
    void scriptDefaults() {
        PlanAction action = PlanAction.script("dns", "\\\\lib\\dns.ps1", ScriptSide.RECOVERY);
        PlanAction.Script script = (PlanAction.Script) action.details();
        assertEquals("\\\\lib\\dns.ps1", script.path());
        assertEquals(ScriptSide.RECOVERY, script.side());
        assertEquals(Duration.ofSeconds(600), script.timeout());
        assertEquals(Duration.ofMinutes(2), ((PlanAction.Script) PlanAction.script("x", "x.ps1", ScriptSide.PRIMARY,
                Duration.ofMinutes(2)).details()).timeout());
    }

    @Test
    @DisplayName("RP8 a script without a path or with a timeout that is not positive is refused")
    void scriptChecks() {
        assertEquals(Rule.RP8, assertThrows(InvalidConfigurationException.class,
                () -> PlanAction.script("x", " ", ScriptSide.PRIMARY)).rule());
        assertEquals(Rule.RP8, assertThrows(InvalidConfigurationException.class,
                () -> PlanAction.script("x", "x.ps1", ScriptSide.PRIMARY, Duration.ZERO)).rule());
        assertEquals(Rule.RP8, assertThrows(InvalidConfigurationException.class,
                () -> PlanAction.script("x", "x.ps1", ScriptSide.PRIMARY, Duration.ofSeconds(-1))).rule());
    }

    @Test
    @DisplayName("RP4 an action runs for every kind and direction until narrowed")
    void appliesTo() {
        PlanAction all = PlanAction.manual("note", "read this");
        assertEquals(EnumSet.allOf(FailoverKind.class), all.kinds());
        assertEquals(EnumSet.allOf(FailoverDirection.class), all.directions());
        PlanAction narrowed = all.withKinds(FailoverKind.PLANNED).withDirections(
                FailoverDirection.RECOVERY_TO_PRIMARY);
        assertTrue(narrowed.appliesTo(FailoverKind.PLANNED, FailoverDirection.RECOVERY_TO_PRIMARY));
        assertFalse(narrowed.appliesTo(FailoverKind.PLANNED, FailoverDirection.PRIMARY_TO_RECOVERY));
        assertFalse(narrowed.appliesTo(FailoverKind.TEST, FailoverDirection.RECOVERY_TO_PRIMARY));
        assertEquals("read this", ((PlanAction.Manual) narrowed.details()).instructions());
    }

    @Test
    @DisplayName("RP4 an action must run for some kind and some direction, and has a name")
    void nonEmpty() {
        PlanAction a = PlanAction.manual("note", "read this");
        assertEquals(Rule.RP4, assertThrows(InvalidConfigurationException.class, () -> a.withKinds()).rule());
        assertEquals(Rule.RP4, assertThrows(InvalidConfigurationException.class,
                () -> a.withDirections(List.of())).rule());
        assertEquals(Rule.RP4, assertThrows(InvalidConfigurationException.class, () -> a.withName(" ")).rule());
    }

    @Test
    @DisplayName("RP10 kinds and directions are sets in enum order: the order they were given in cannot leak")
    void setsInEnumOrder() {
        PlanAction a = PlanAction.manual("note", "read this").withKinds(FailoverKind.UNPLANNED, FailoverKind.TEST);
        assertEquals(List.of(FailoverKind.TEST, FailoverKind.UNPLANNED), List.copyOf(a.kinds()));
        assertEquals(a, PlanAction.manual("note", "read this").withKinds(Set.of(FailoverKind.TEST, FailoverKind.UNPLANNED)));
        assertThrows(UnsupportedOperationException.class, () -> a.kinds().add(FailoverKind.PLANNED));
    }

    @Test
    @DisplayName("RP4 a manual action without instructions, which no failover could run, is refused where it is built")
    void manualActionNeedsInstructions() {
        for (String blank : new String[] {"", " ", "\t\n"}) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> PlanAction.manual("approve", blank));
            assertEquals(Rule.RP4, e.rule());
            assertTrue(e.getMessage().startsWith("RP4: ") && e.getMessage().contains("instructions"), e.getMessage());
            assertThrows(InvalidConfigurationException.class, () -> new PlanAction.Manual(blank));
        }
        assertEquals("call the owner", ((PlanAction.Manual) PlanAction.manual("approve", "call the owner").details())
                .instructions());
    }
}
