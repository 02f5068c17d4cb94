package dev.secondsite.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.registration.RegistrationRefusedException;
import dev.secondsite.core.Secret;
import dev.secondsite.core.registration.RegistrationRefusedException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KeySignerTest {
    private static final Instant ISSUED = Instant.parse("2024-03-01T10:00:00Z");
    private final KeySigner signer = new KeySigner("vault-1", "signing-secret".getBytes(StandardCharsets.UTF_8));

    /**
     * Texts that decode to the same bytes as {@code canonical}: each unused low bit of the last character of a
     * part set, padding added, whitespace around or inside.
     */
    private static List<String> variants(String canonical) {
        List<String> variants = new ArrayList<>();
        String[] parts = canonical.substring("ssk1.".length()).split("\\.");
        for (int part = 0; part < 2; part++) {
            String text = parts[part];
            int unusedBits = (6 - (Base64.getUrlDecoder().decode(text).length * 8) % 6) % 6;
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            int last = alphabet.indexOf(text.charAt(text.length() - 1));
            for (int bit = 0; bit < unusedBits; bit++) {
                String changed = text.substring(0, text.length() - 1) + alphabet.charAt(last ^ (1 << bit));
                variants.add(part == 0 ? "ssk1." + changed + "." + parts[1] : "ssk1." + parts[0] + "." + changed);
            }
            String padded = text + "=".repeat((4 - text.length() % 4) % 4);
            if (!padded.equals(text)) {
                variants.add(part == 0 ? "ssk1." + padded + "." + parts[1] : "ssk1." + parts[0] + "." + padded);
            }
        }
        variants.add(canonical + "\n");
        variants.add(" " + canonical);
        variants.add(canonical + " ");
        variants.add(canonical.replace(".", ".\n"));
        return variants;
    }

    @Test
    @DisplayName("K1 only the canonical text of a key is accepted: unused base64 bits, padding and whitespace are "
            + "refused as malformed")
    void onlyCanonicalTextIsAccepted() {
        RegistrationKey key = signer.issue("key-1", ISSUED);
        String canonical = key.encoded().reveal();
        assertEquals("key-1", signer.verify(Secret.of(canonical), ISSUED).keyId(), "the issued text is a key");

        List<String> variants = variants(canonical);
        assertTrue(variants.size() >= 6, "variants: " + variants.size());
        for (String variant : variants) {
            assertFalse(variant.equals(canonical));
            RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class,
                    () -> signer.verify(Secret.of(variant), ISSUED), "variant accepted: " + variant);
            assertEquals(Reason.KEY_MALFORMED, e.reason(), e.getMessage());
            assertTrue(e.getMessage().startsWith("K1: "), e.getMessage());
        }
    }

    @Test
    @DisplayName("K1 a variant whose last signature character differs in used bits is refused as tampered")
    void changedSignatureIsTampered() {
        String canonical = signer.issue("key-1", ISSUED).encoded().reveal();
        String changed = canonical.substring(0, canonical.length() - 2)
                + (canonical.charAt(canonical.length() - 2) == 'A' ? 'B' : 'A') + canonical.charAt(canonical.length() - 1);
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class,
                () -> signer.verify(Secret.of(changed), ISSUED));
        assertEquals(Reason.KEY_TAMPERED, e.reason(), e.getMessage());
    }

    @Test
    @DisplayName("K1 the issue time a key states is read without its signature (a transport derives a certificate's "
            + "validity from it); a text that is not a key's states none")
    void statedIssueTime() {
        String key = signer.issue("k-1", ISSUED).encoded().reveal();
        assertEquals(java.util.Optional.of(ISSUED), RegistrationKey.statedIssueTime(Secret.of(key)));
        String otherSignature = key.substring(0, key.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
        assertEquals(java.util.Optional.of(ISSUED), RegistrationKey.statedIssueTime(Secret.of(otherSignature)),
                "unverified: the vault checks the signature when a server registers");
        for (String notAKey : List.of("", "ssk1.", "ssk2." + key.substring(5), key + " ", "ssk1.!!!.x")) {
            assertEquals(java.util.Optional.empty(), RegistrationKey.statedIssueTime(Secret.of(notAKey)), notAKey);
        }
    }
}

