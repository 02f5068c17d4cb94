package dev.secondsite.core.vault;

import dev.secondsite.core.registration.RegistrationRefusedException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Secret;
import dev.secondsite.core.registration.RegistrationRefusedException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks registration keys for one vault. A key is {@code ssk1.<payload>.<signature>}: the payload is
 * base64url JSON {@code {"v":1,"vault":...,"key":...,"issued":...}}, the signature an HMAC-SHA256 of the payload
 * under the vault's signing secret. Only the vault can sign, so a changed payload (say, a later issue date) fails.
 * Only the canonical text is accepted (K1): unpadded base64url with zero unused bits and nothing around it, so that
 * one key has exactly one text.
 */
final class KeySigner {
    private static final String PREFIX = "ssk1.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final String vaultId;
    private final byte[] signingSecret;

    KeySigner(String vaultId, byte[] signingSecret) {
        this.vaultId = vaultId;
        this.signingSecret = signingSecret.clone();
    }

    RegistrationKey issue(String keyId, Instant issuedAt) {
        ObjectNode payload = JSON.createObjectNode()
                .put("v", 1).put("vault", vaultId).put("key", keyId).put("issued", issuedAt.toString());
        String body = B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        String encoded = PREFIX + body + "." + B64.encodeToString(sign(body));
        return new RegistrationKey(keyId, vaultId, issuedAt, Secret.of(encoded));
    }

    /**
     * Returns the key if {@code encoded} is a key of this vault, unchanged, valid at {@code now}.
     *
     * @throws RegistrationRefusedException (K1) saying which of malformed, foreign, tampered or expired it is
     */
    RegistrationKey verify(Secret encoded, Instant now) {
        Parsed parsed = parse(encoded);
        JsonNode payload = parsed.payload();
        String keyVault = payload.get("vault").asText();
        if (!keyVault.equals(vaultId)) {
            // checked before the signature so the administrator learns the useful fact: wrong vault
            throw refused(Reason.KEY_FOREIGN, "the key was issued by vault " + keyVault + ", not by vault " + vaultId);
        }
        if (!MessageDigest.isEqual(sign(parsed.body()), parsed.signature())) {
            throw refused(Reason.KEY_TAMPERED, "the key's signature does not match its content");
        }
        Instant issued = issued(payload);
        RegistrationKey key = new RegistrationKey(payload.get("key").asText(), keyVault, issued, encoded);
        if (!key.isValidAt(now)) {
            throw refused(Reason.KEY_EXPIRED, "key " + key.keyId() + " expired at " + key.expiresAt()
                    + " (valid " + RegistrationKey.VALIDITY.toDays() + " days from " + issued + "); it is now " + now);
        }
        return key;
    }

    /** A key's text taken apart: its payload, the payload's text (what is signed) and the signature. */
    private record Parsed(JsonNode payload, String body, byte[] signature) {
    }

    /**
     * Takes {@code encoded} apart as a key in canonical form with a vault, an id and an issue time; its signature is
     * not checked here.
     *
     * @throws RegistrationRefusedException (K1, KEY_MALFORMED) saying what is wrong with the text
     */
    private static Parsed parse(Secret encoded) {
        String text = encoded.reveal();
        String[] parts = text.startsWith(PREFIX) ? text.substring(PREFIX.length()).split("\\.", -1) : new String[0];
        if (parts.length != 2) {
            throw refused(Reason.KEY_MALFORMED, "the text given is not a Secondsite registration key");
        }
        JsonNode payload;
        byte[] signature;
        try {
            payload = JSON.readTree(B64D.decode(parts[0]));
            signature = B64D.decode(parts[1]);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw refused(Reason.KEY_MALFORMED, "the key's content cannot be read");
        }
        // The decoder accepts padding and ignores the unused low bits of the last character, so several texts decode
        // to the same bytes; only the one text this vault issued is a key, so that a key's text cannot be varied.
        if (!B64.encodeToString(B64D.decode(parts[0])).equals(parts[0])
                || !B64.encodeToString(signature).equals(parts[1])) {
            throw refused(Reason.KEY_MALFORMED, "the key's text is not in its canonical form (unpadded base64url, "
                    + "no whitespace, unused bits zero): copy the key exactly as it was issued");
        }
        if (payload == null || !payload.path("vault").isTextual() || !payload.path("key").isTextual()
                || !payload.path("issued").isTextual() || payload.path("v").asInt() != 1) {
            throw refused(Reason.KEY_MALFORMED, "the key lacks its vault, id or issue time");
        }
        return new Parsed(payload, parts[0], signature);
    }

    private static Instant issued(JsonNode payload) {
        try {
            return Instant.parse(payload.get("issued").asText());
        } catch (java.time.format.DateTimeParseException e) {
            throw refused(Reason.KEY_MALFORMED, "the key's issue time cannot be read");
        }
    }

    /** The issue time {@code encoded} states, its signature not checked; empty when it is not a key's text. */
    static Optional<Instant> statedIssueTime(Secret encoded) {
        try {
            return Optional.of(issued(parse(encoded).payload()));
        } catch (RegistrationRefusedException e) {
            return Optional.empty();
        }
    }

    private byte[] sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingSecret, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
        }
    }

    private static RegistrationRefusedException refused(Reason reason, String message) {
        return new RegistrationRefusedException(Rule.K1, reason, message);
    }
}
