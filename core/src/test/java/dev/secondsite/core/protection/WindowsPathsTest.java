package dev.secondsite.core.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WindowsPathsTest {

    @Test
    @DisplayName("O1 the machine of a UNC path, in every form Windows accepts")
    void uncHost() {
        assertEquals(Optional.of("files"), WindowsPaths.uncHost("\\\\Files\\share"));
        assertEquals(Optional.of("files"), WindowsPaths.uncHost("//files/share/x"));
        assertEquals(Optional.of("files"), WindowsPaths.uncHost("\\\\?\\UNC\\files\\share"));
        assertEquals(Optional.empty(), WindowsPaths.uncHost("D:\\export"));
        assertEquals(Optional.empty(), WindowsPaths.uncHost("\\\\?\\D:\\export"));
    }

    @Test
    @DisplayName("O1 a UNC machine and a host name are the same machine by full or short name")
    void sameMachine() {
        assertTrue(WindowsPaths.sameMachine("hv-b1", "hv-b1"));
        assertTrue(WindowsPaths.sameMachine("hv-b1", "HV-B1.contoso.local"));
        assertTrue(WindowsPaths.sameMachine("hv-b1.contoso.local", "hv-b1"));
        assertTrue(WindowsPaths.sameMachine("hv-b1.contoso.local", "HV-B1.CONTOSO.LOCAL"));
        assertFalse(WindowsPaths.sameMachine("hv-b1.fabrikam.local", "hv-b1.contoso.local"));
        assertFalse(WindowsPaths.sameMachine("hv-b10", "hv-b1"));
        assertFalse(WindowsPaths.sameMachine("10.0.0.1", "10"));
    }

    @Test
    @DisplayName("O1 loopback names")
    void loopback() {
        assertTrue(WindowsPaths.isLoopback("localhost"));
        assertTrue(WindowsPaths.isLoopback("127.0.0.1"));
        assertFalse(WindowsPaths.isLoopback("files"));
    }
}
