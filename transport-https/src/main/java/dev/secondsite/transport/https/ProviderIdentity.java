package dev.secondsite.transport.https;

import dev.secondsite.transport.https.VaultCertificates.KeyManagerMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * A registered provider's identity on disk: its private key with its client certificate, and the vault's CA it
 * pins, in one PKCS12 file written with permissions 0600. As for the vault's CA ({@link VaultCertificates}) the
 * file's permissions protect it, so its store password is a constant and not a secret. The key is never logged.
 *
 * <p>Stateless; thread-safe.
 */
final class ProviderIdentity {
    private static final char[] STORE_PASSWORD = "secondsite-provider".toCharArray();
    private static final String KEY_ALIAS = "provider";
    private static final String CA_ALIAS = "vault-ca";

    private ProviderIdentity() {
    }

    /** What the file holds: the key with its chain (client certificate, CA), and the CA to pin. */
    record Stored(KeyManagerMaterial key, X509Certificate ca) {
    }

    /**
     * @return the identity kept in {@code file}, or empty when there is no such file (not registered yet)
     * @throws ProviderIdentityException when the file exists but cannot be read as a provider identity
     */
    static Optional<Stored> load(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        KeyStore ks;
        try (InputStream in = Files.newInputStream(file)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, STORE_PASSWORD);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ProviderIdentityException(file, "cannot be read as the PKCS12 store of a provider's identity ("
                    + e.getClass().getSimpleName() + "); register the server again with a fresh file", e);
        }
        try {
            Key key = ks.getKey(KEY_ALIAS, STORE_PASSWORD);
            Certificate[] chain = ks.getCertificateChain(KEY_ALIAS);
            Certificate ca = ks.getCertificate(CA_ALIAS);
            if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0
                    || !(ca instanceof X509Certificate caCertificate)) {
                throw new ProviderIdentityException(file, "holds no entry '" + KEY_ALIAS + "' with its certificate "
                        + "or no pinned CA '" + CA_ALIAS + "'");
            }
            X509Certificate[] certificates = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                certificates[i] = (X509Certificate) chain[i];
            }
            return Optional.of(new Stored(new KeyManagerMaterial(privateKey, certificates), caCertificate));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new ProviderIdentityException(file, "its key entry cannot be read (" + e.getClass().getSimpleName()
                    + ")", e);
        }
    }

    /**
     * Writes the identity to {@code file} (0600), replacing any earlier one.
     *
     * @throws ProviderIdentityException when the file cannot be written
     */
    static void save(Path file, Stored identity) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(KEY_ALIAS, identity.key().key(), STORE_PASSWORD, identity.key().chain());
            ks.setCertificateEntry(CA_ALIAS, identity.ca());
            VaultCertificates.writePrivate(ks, STORE_PASSWORD, file);
        } catch (IOException | GeneralSecurityException e) {
            throw new ProviderIdentityException(file, "cannot be written (" + e.getMessage() + ")", e);
        }
    }
}
