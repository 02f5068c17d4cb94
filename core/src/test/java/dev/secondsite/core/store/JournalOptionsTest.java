package dev.secondsite.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JournalOptionsTest {
    @Test
    @DisplayName("J3 journal options refuse sizes out of range, naming the field and value")
    void ranges() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> JournalOptions.defaults().withSegmentBytes(10));
        assertEquals(Rule.INPUT, e.rule());
        assertTrue(e.getMessage().contains("segmentBytes (10) must be between 64 and"), e.getMessage());
        assertThrows(InvalidConfigurationException.class,
                () -> JournalOptions.defaults().withMaxRecordBytes(JournalFormat.MAX_RECORD_BYTES + 1));
        assertEquals(new JournalOptions(4096, 1000), JournalOptions.defaults().withSegmentBytes(4096)
                .withMaxRecordBytes(1000));
    }
}
