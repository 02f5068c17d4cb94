package dev.secondsite.core.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import javax.annotation.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** C4, C5, C6, C8, C9 under random inputs, including out-of-range ones. */
class ReplicationSettingsPropertyTest {
    private static final int[] FREQUENCIES = {30, 300, 900};
    private static final int[] PORT_EDGES = {0, 1, 65535, 65536};
    private static final int NO_PORT = Integer.MIN_VALUE;

    private record Input(int frequency, int points, int hours, int port, boolean kerberos) {
    }

    /** The rules, stated again: which rule the first bad input breaks, in the order the builder is called. */
    private static @Nullable Rule expectedRefusal(Input in) {
        boolean frequencyOk = in.frequency() == 30 || in.frequency() == 300 || in.frequency() == 900;
        if (!frequencyOk) {
            return Rule.C4;
        }
        if (in.points() < 0 || in.points() > 24) {
            return Rule.C5;
        }
        if (in.hours() < 0 || in.hours() > 12) {
            return Rule.C6;
        }
        if (in.port() != NO_PORT && (in.port() < 1 || in.port() > 65535)) {
            return Rule.C9;
        }
        if (in.hours() != 0 && in.hours() >= in.points()) {
            return Rule.C6;
        }
        return null;
    }

    private static ReplicationSettings build(Input in) {
        ReplicationSettings.Builder b = ReplicationSettings.builder()
                .copyFrequency(CopyFrequency.ofSeconds(in.frequency()))
                .additionalRecoveryPoints(in.points())
                .appConsistentFrequencyHours(in.hours())
                .authentication(in.kerberos() ? Authentication.KERBEROS : Authentication.CERTIFICATE);
        if (in.port() != NO_PORT) {
            b.port(in.port());
        }
        return b.build();
    }

    @Test
    @DisplayName("C6 random settings are accepted exactly when the rules allow them, else refused citing the rule")
    void acceptedExactlyWhenAllowed() {
        Gen<Integer> frequency = integers().between(0, 5)
                .zip(integers().between(-100, 2000), (c, r) -> c < 3 ? FREQUENCIES[c] : r);
        Gen<Integer> port = integers().between(0, 3).zip(integers().between(-100, 70_000),
                (c, r) -> c == 0 ? NO_PORT : c == 1 ? PORT_EDGES[Math.floorMod(r, 4)] : r);
        Gen<Input> inputs = frequency.zip(integers().between(-3, 28), integers().between(-3, 15), port, booleans().all(),
                Input::new);
        qt().withExamples(2000).forAll(inputs).checkAssert(in -> {
            Rule expected = expectedRefusal(in);
            if (expected == null) {
                ReplicationSettings built = build(in);
                assertEquals(in.frequency(), built.copyFrequency().seconds());
                assertEquals(in.points(), built.additionalRecoveryPoints());
                assertEquals(in.hours(), built.appConsistentFrequencyHours());
                int expectedPort = in.port() != NO_PORT ? in.port() : in.kerberos() ? 8083 : 8084;
                assertEquals(expectedPort, built.port());
                assertEquals(built, new ReplicationSettings(built.copyFrequency(), built.additionalRecoveryPoints(),
                        built.appConsistentFrequencyHours(), built.compression(), built.authentication(),
                        built.port(), built.initialReplication(), built.deleteReplicaOnDisable()));
            } else {
                InvalidConfigurationException refusal = assertThrows(InvalidConfigurationException.class,
                        () -> build(in), () -> in + " accepted, expected a refusal citing " + expected);
                assertEquals(expected, refusal.rule(), refusal.getMessage());
                int value = switch (expected) {
                    case C4 -> in.frequency();
                    case C5 -> in.points();
                    case C9 -> in.port();
                    default -> in.hours();
                };
                assertTrue(refusal.getMessage().contains("(" + value + ")"), refusal.getMessage());
            }
        });
    }
}
