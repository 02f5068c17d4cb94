package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.transport.https.VaultCertificates.KeyManagerMaterial;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client certificate the vault's CA issues for a registration is a function of the CA, the key, the name, the
 * server and the public key alone, and is an ordinary certificate for the JDK's TLS stack (K1, R6).
 */
class ClientCertificateIssuanceTest {
    private static final Instant ISSUED = Instant.parse("2026-11-30T09:15:00Z");
    private static final String KEY = key("k-1", ISSUED);

    @TempDir
    Path dir;

    /** A registration key's text as the vault writes it; its signature is not checked by the CA. */
    private static String key(String keyId, Instant issued) {
        String payload = "{\"v\":1,\"vault\":\"vault-1\",\"key\":\"" + keyId + "\",\"issued\":\"" + issued + "\"}";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "ssk1." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("signature of " + keyId).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] csr(KeyPair pair) {
        return VaultCertificates.csr(pair, "vmm-a");
    }

    @Test
    @DisplayName("K1 R6 the same registration issued twice, also by a second CA instance read from the same file and "
            + "with another PKCS#10 signature over the same key, gives byte-identical certificates")
    void sameRequestSameCertificate() throws Exception {
        VaultCertificates ca = VaultCertificates.openOrCreate(dir, "HTTPS DR");
        VaultCertificates sameCa = VaultCertificates.openOrCreate(dir, "HTTPS DR"); // another vault instance
        KeyPair pair = VaultCertificates.newKeyPair();
        byte[] firstCsr = csr(pair);
        byte[] secondCsr = csr(pair);
        assertFalse(java.util.Arrays.equals(firstCsr, secondCsr), "the provider's own CSR signature is randomized");

        X509Certificate first = ca.signClient(firstCsr, "vmm-a", "vmm-a", KEY);
        X509Certificate again = ca.signClient(firstCsr, "vmm-a", "vmm-a", KEY);
        X509Certificate elsewhere = sameCa.signClient(secondCsr, "vmm-a", "vmm-a", KEY);

        assertArrayEquals(first.getEncoded(), again.getEncoded());
        assertArrayEquals(first.getEncoded(), elsewhere.getEncoded());
        assertEquals(VaultCertificates.fingerprint(first), VaultCertificates.fingerprint(elsewhere));
        assertEquals(pair.getPublic(), first.getPublicKey());
    }

    @Test
    @DisplayName("K1 R6 another key pair, friendly name, server, registration key or CA gives another certificate")
    void anythingElseAnotherCertificate() throws Exception {
        VaultCertificates ca = VaultCertificates.openOrCreate(dir, "HTTPS DR");
        KeyPair pair = VaultCertificates.newKeyPair();
        String first = VaultCertificates.fingerprint(ca.signClient(csr(pair), "vmm-a", "vmm-a", KEY));
        List<X509Certificate> others = List.of(
                ca.signClient(csr(VaultCertificates.newKeyPair()), "vmm-a", "vmm-a", KEY),
                ca.signClient(csr(pair), "vmm-a", "vmm-a2", KEY),
                ca.signClient(csr(pair), "vmm-b", "vmm-a", KEY),
                ca.signClient(csr(pair), "vmm-a", "vmm-a", key("k-2", ISSUED)),
                VaultCertificates.generate("HTTPS DR").signClient(csr(pair), "vmm-a", "vmm-a", KEY));
        for (X509Certificate other : others) {
            assertNotEquals(first, VaultCertificates.fingerprint(other), other.toString());
        }
        assertEquals(others.size(), others.stream().map(X509Certificate::getSerialNumber).distinct().count(),
                "each has its own serial number");
    }

    @Test
    @DisplayName("R6 the certificate verifies against the CA as ordinary SHA256withECDSA (JDK), is valid from the "
            + "key's issue time for its client validity, and the key's text appears nowhere in it")
    void verifiesAgainstTheCa() throws Exception {
        VaultCertificates ca = VaultCertificates.openOrCreate(dir, "HTTPS DR");
        X509Certificate cert = ca.signClient(csr(VaultCertificates.newKeyPair()), "vmm-a", "vmm-a", KEY);

        cert.verify(ca.caCertificate().getPublicKey()); // throws when the signature does not hold
        assertEquals("SHA256withECDSA", cert.getSigAlgName());
        Signature jdk = Signature.getInstance("SHA256withECDSA");
        jdk.initVerify(ca.caCertificate().getPublicKey());
        jdk.update(cert.getTBSCertificate());
        assertTrue(jdk.verify(cert.getSignature()));
        assertEquals(ISSUED.minusSeconds(60), cert.getNotBefore().toInstant());
        assertEquals(ISSUED.plus(VaultCertificates.CLIENT_VALIDITY), cert.getNotAfter().toInstant());
        assertEquals(ca.caCertificate().getSubjectX500Principal(), cert.getIssuerX500Principal());
        assertTrue(cert.getSubjectX500Principal().getName().contains("CN=vmm-a"));
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage(), "client authentication only");
        String der = new String(cert.getEncoded(), StandardCharsets.ISO_8859_1);
        assertFalse(der.contains(KEY.substring(5, 40)), "no part of the key's text");
        assertTrue(ca.issued(cert));
    }

    @Test
    @DisplayName("K1 a key whose issue time cannot be read still gets one deterministic certificate (the vault "
            + "refuses the key before anything is registered)")
    void unreadableKey() throws Exception {
        assertEquals(Optional.of(ISSUED), VaultCertificates.keyIssuedAt(KEY));
        String noIssueTime = "ssk1." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"v\":1,\"key\":\"k\"}".getBytes(StandardCharsets.UTF_8)) + ".c2ln";
        String badIssueTime = "ssk1." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"v\":1,\"key\":\"k\",\"issued\":\"yesterday\"}".getBytes(StandardCharsets.UTF_8)) + ".c2ln";
        for (String bad : List.of("", "ssk1.", "ssk1.!!!.x", "ssk2." + KEY.substring(5), noIssueTime,
                badIssueTime)) {
            assertEquals(Optional.empty(), VaultCertificates.keyIssuedAt(bad), bad);
        }
        VaultCertificates ca = VaultCertificates.openOrCreate(dir, "HTTPS DR");
        KeyPair pair = VaultCertificates.newKeyPair();
        X509Certificate first = ca.signClient(csr(pair), "vmm-a", "vmm-a", "not a key");
        assertArrayEquals(first.getEncoded(), ca.signClient(csr(pair), "vmm-a", "vmm-a", "not a key").getEncoded());
        assertEquals(ca.caCertificate().getNotBefore().toInstant().minusSeconds(60), first.getNotBefore().toInstant());
    }

    @Test
    @DisplayName("R6 the issued certificate works for mutual TLS with the JDK's stack: a server that needs a client "
            + "certificate chaining to the CA accepts it and sees exactly it")
    void worksForMutualTls() throws Exception {
        VaultCertificates ca = VaultCertificates.openOrCreate(dir, "HTTPS DR");
        KeyPair pair = VaultCertificates.newKeyPair();
        X509Certificate client = ca.signClient(csr(pair), "vmm-a", "vmm-a", key("k-now", Instant.now()));
        List<X509Certificate> anchors = List.of(ca.caCertificate());
        SSLContext serverContext = Tls.context(Tls.keyManagers(ca.serverCertificate(List.of("127.0.0.1"))),
                Tls.trusting(anchors));
        SSLContext clientContext = Tls.context(Tls.keyManagers(new KeyManagerMaterial(pair.getPrivate(),
                new X509Certificate[] {client, ca.caCertificate()})), Tls.trusting(anchors));
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0,
                1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            listener.setEnabledProtocols(Tls.PROTOCOLS);
            CompletableFuture<X509Certificate> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.setSoTimeout(10_000);
                    InputStream in = accepted.getInputStream();
                    int b = in.read(); // completes the handshake
                    OutputStream out = accepted.getOutputStream();
                    out.write(b);
                    out.flush();
                    return (X509Certificate) accepted.getSession().getPeerCertificates()[0];
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory().createSocket(
                    InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                socket.setSoTimeout(10_000);
                socket.setEnabledProtocols(Tls.PROTOCOLS);
                socket.getOutputStream().write(42);
                socket.getOutputStream().flush();
                assertEquals(42, socket.getInputStream().read());
            }
            assertArrayEquals(client.getEncoded(), seen.get(10, TimeUnit.SECONDS).getEncoded());
        }
    }
}
