package dev.secondsite.transport.https;

import dev.secondsite.transport.https.VaultCertificates.KeyManagerMaterial;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.annotation.Nullable;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** TLS set-up shared by both sides: TLS 1.3 and 1.2 only, key managers from key material, trust from anchors. */
final class Tls {
    /** The only protocols either side speaks. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final char[] KEY_PASSWORD = "in-memory".toCharArray();

    private Tls() {
    }

    static SSLParameters parameters(SSLContext context) {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setProtocols(PROTOCOLS);
        return p;
    }

    static KeyManager[] keyManagers(@Nullable KeyManagerMaterial material) throws GeneralSecurityException {
        if (material == null) {
            return null;
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        ks.setKeyEntry("key", material.key(), KEY_PASSWORD, material.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, KEY_PASSWORD);
        return kmf.getKeyManagers();
    }

    static KeyManager[] keyManagers(KeyStore keyStore, char[] password) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, password);
        return kmf.getKeyManagers();
    }

    /** Trust managers that trust exactly {@code anchors}, or the JDK's default trust when there are none. */
    static TrustManager[] trusting(List<X509Certificate> anchors) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (anchors.isEmpty()) {
            tmf.init((KeyStore) null);
        } else {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try {
                ks.load(null, null);
            } catch (java.io.IOException e) {
                throw new GeneralSecurityException(e);
            }
            for (int i = 0; i < anchors.size(); i++) {
                ks.setCertificateEntry("anchor-" + i, anchors.get(i));
            }
            tmf.init(ks);
        }
        return tmf.getTrustManagers();
    }

    static SSLContext context(KeyManager[] keys, TrustManager[] trust) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust, null);
        return context;
    }

    /**
     * The vault's trust for client certificates: it accepts any certificate at the TLS layer and names the vault's
     * CA as the issuer it wants, so that the vault itself checks the certificate on every call and refuses a foreign
     * or removed one with a JSON error body that says why (R6), instead of a bare handshake failure.
     */
    static X509ExtendedTrustManager clientCertificatesCheckedLater(X509Certificate ca) {
        return new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
                throw new UnsupportedOperationException("the vault trusts no servers");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                throw new UnsupportedOperationException("the vault trusts no servers");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException("the vault trusts no servers");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                // no issuer named, so a client presents the certificate it has and learns why it is refused
                return new X509Certificate[0];
            }
        };
    }
}
