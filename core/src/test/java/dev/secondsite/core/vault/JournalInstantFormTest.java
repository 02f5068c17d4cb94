package dev.secondsite.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** DOCUMENT: the journal's own instant form reads and writes exactly what {@link Instant} does. */
class JournalInstantFormTest {
    private static final long MIN = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long MAX = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    @Test
    @DisplayName("DOCUMENT an instant is written as Instant.toString writes it and reads back equal, for every "
            + "precision (none, milli, micro, nano) and the years 0 to 9999 and beyond")
    void sameAsInstant() {
        qt().withExamples(20_000).forAll(longs().between(MIN - 100_000, MAX + 100_000), integers().between(0, 3),
                integers().between(0, 999_999_999)).checkAssert((seconds, precision, digits) -> {
                    int nanos = switch (precision) {
                        case 0 -> 0;
                        case 1 -> digits / 1_000_000 * 1_000_000;
                        case 2 -> digits / 1_000 * 1_000;
                        default -> digits;
                    };
                    Instant instant = Instant.ofEpochSecond(seconds, nanos);
                    assertEquals(instant.toString(), JournalCodec.instantText(instant));
                    assertEquals(instant, JournalCodec.parseInstant(instant.toString()));
                });
    }

    @Test
    @DisplayName("DOCUMENT a text Instant.parse takes or refuses is taken as the same instant or refused")
    void sameRefusals() {
        for (String text : List.of("2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2026-04-31T10:00:00Z",
                "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z",
                "2026-01-01T23:59:60Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.1234567890Z",
                "2026-01-01 00:00:00Z", "2026-01-01T00:00:00", "2026-01-01T00:00Z", "+2026-01-01T00:00:00Z",
                "2026-01-01t00:00:00z", "2026-01-01T00:00:00.5Z", "2026-01-01T00:00:00.12Z", "２026-01-01T00:00:00Z",
                "2026-01-01T00:00:00+01:00", "-001-01-01T00:00:00Z", "2026-1-01T00:00:00Z", "")) {
            Instant expected;
            try {
                expected = Instant.parse(text);
            } catch (DateTimeException e) {
                assertThrows(DateTimeException.class, () -> JournalCodec.parseInstant(text), text);
                continue;
            }
            assertEquals(expected, JournalCodec.parseInstant(text), text);
        }
    }
}
