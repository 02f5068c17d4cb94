package dev.secondsite.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidDocumentException;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.testing.TestSites;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A server's inventory as one JSON object, as the configuration document and the HTTPS API carry it. */
class InventoryJsonTest {
    @Test
    @DisplayName("R5 an inventory written and read back is equal, for both test sites")
    void roundTrip() {
        for (Site site : new Site[] {TestSites.primary(), TestSites.recovery()}) {
            assertEquals(site, InventoryJson.read(InventoryJson.write(site)));
        }
    }

    @Test
    @DisplayName("R5 an unknown field, a wrong type or something that is not a JSON object is refused naming it")
    void strict() {
        String written = InventoryJson.write(TestSites.primary());
        InvalidDocumentException unknown = assertThrows(InvalidDocumentException.class,
                () -> InventoryJson.read(written.replaceFirst("\\{", "{\"surprise\":1,")));
        assertTrue(unknown.getMessage().contains("surprise"), unknown.getMessage());
        InvalidDocumentException wrongType = assertThrows(InvalidDocumentException.class,
                () -> InventoryJson.read(written.replaceFirst("\"vms\":\\[", "\"vms\":7,\"x\":[")));
        assertTrue(wrongType.getMessage().contains("vms"), wrongType.getMessage());
        assertThrows(InvalidDocumentException.class, () -> InventoryJson.read("[]"));
        assertThrows(InvalidDocumentException.class, () -> InventoryJson.read("{"));
    }
}
