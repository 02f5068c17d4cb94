package dev.secondsite.transport.https;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.Secret;
import dev.secondsite.core.vault.RegistrationKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The vault's certificate authority (BouncyCastle): an EC P-256 key and a self-signed CA certificate that signs the
 * client certificates of registered servers and, in development, the vault's own server certificate. Kept in a
 * PKCS12 file ({@value #FILE}) in a directory the vault owns, written with permissions 0600 where the file system
 * has POSIX permissions: like an SSH host key, the file's permissions protect it, so its store password is not a
 * secret. The private key never leaves this class: not logged, not exported, not in {@link #toString()}.
 *
 * <p>Thread-safe (immutable after construction).
 */
final class VaultCertificates {
    static final String FILE = "vault-ca.p12";
    private static final char[] STORE_PASSWORD = "secondsite-vault-ca".toCharArray();
    private static final String ALIAS = "vault-ca";
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration CLIENT_VALIDITY = Duration.ofDays(825);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey caKey;
    private final X509Certificate caCertificate;

    private VaultCertificates(PrivateKey caKey, X509Certificate caCertificate) {
        this.caKey = caKey;
        this.caCertificate = caCertificate;
    }

    /** A fresh CA kept in memory only (its certificates die with it). */
    static VaultCertificates generate(String vaultName) {
        try {
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=Secondsite vault CA " + escape(vaultName) + ",O=Secondsite");
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign
                    | KeyUsage.digitalSignature));
            return new VaultCertificates(pair.getPrivate(), sign(b, pair.getPrivate()));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate the vault's CA: " + e.getMessage(), e);
        }
    }

    /**
     * The CA kept in {@code dir}, generated and written there (0600) on first use.
     *
     * @throws IllegalStateException when the file exists but cannot be read as the vault's CA
     */
    static VaultCertificates openOrCreate(Path dir, String vaultName) {
        Path file = dir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(file)) {
                    ks.load(in, STORE_PASSWORD);
                }
                PrivateKey key = (PrivateKey) ks.getKey(ALIAS, STORE_PASSWORD);
                X509Certificate cert = (X509Certificate) ks.getCertificate(ALIAS);
                if (key == null || cert == null) {
                    throw new IllegalStateException(file + " holds no entry '" + ALIAS + "'");
                }
                return new VaultCertificates(key, cert);
            }
            Files.createDirectories(dir);
            VaultCertificates ca = generate(vaultName);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, ca.caKey, STORE_PASSWORD, new Certificate[] {ca.caCertificate});
            writePrivate(ks, STORE_PASSWORD, file);
            return ca;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot open the vault's CA in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code ks} to {@code file} as its owner alone may read it (0600 where the file system has POSIX
     * permissions), through a temporary file moved into place, so that a crash never leaves half a store.
     */
    static void writePrivate(KeyStore ks, char[] password, Path file) throws IOException, GeneralSecurityException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // no POSIX permissions here: the directory's ACL protects it
        }
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.TRUNCATE_EXISTING)) {
            ks.store(out, password);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    X509Certificate caCertificate() {
        return caCertificate;
    }

    /** A server certificate for the vault's listener, for the given DNS names and addresses. */
    KeyManagerMaterial serverCertificate(List<String> names) {
        try {
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCertificate, serial(),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(CLIENT_VALIDITY)),
                    new X500Name("CN=" + escape(names.get(0)) + ",O=Secondsite vault"), pair.getPublic());
            GeneralName[] alt = names.stream().map(n -> n.matches("[0-9.]+|.*:.*")
                    ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate cert = sign(b, caKey);
            return new KeyManagerMaterial(pair.getPrivate(), new X509Certificate[] {cert, caCertificate});
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue the vault's server certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Signs a client certificate for {@code serverId} over the public key of a PKCS#10 request whose own signature
     * holds (the requester has the private key). The certificate is a function of this CA, the registration key's
     * text, the friendly name, the server id and the public key alone, byte for byte (K1, R6): its serial number is
     * derived from a hash of them, its validity runs {@link #CLIENT_VALIDITY} from the issue time written in the
     * registration key, and the CA signs with deterministic ECDSA (RFC 6979). So a registration sent again, after its
     * answer was lost, gets the very certificate whose SHA-256 the vault already holds for the server, from any vault
     * instance sharing this CA, while another key pair, name or key gets another one. The key's text is read here
     * without checking its signature: the vault checks the key before it registers anything, and a certificate for a
     * key it refuses is never handed out.
     *
     * @throws IllegalArgumentException when the request cannot be read or its signature does not hold
     */
    X509Certificate signClient(byte[] csrDer, String serverId, String friendlyName, String registrationKey) {
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(csrDer);
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey(csr.getSubjectPublicKeyInfo())))) {
                throw new IllegalArgumentException("csr: its signature does not match its public key");
            }
        } catch (IOException | GeneralSecurityException | RuntimeException | OperatorCreationException | PKCSException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
                    && iae.getMessage().startsWith("csr:")) {
                throw iae;
            }
            throw new IllegalArgumentException("csr: not a PKCS#10 certificate signing request (" + e.getClass()
                    .getSimpleName() + ")");
        }
        try {
            PublicKey key = publicKey(csr.getSubjectPublicKeyInfo());
            Instant from = keyIssuedAt(registrationKey).orElse(caCertificate.getNotBefore().toInstant());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCertificate,
                    clientSerial(serverId, friendlyName, registrationKey, key), Date.from(from.minusSeconds(60)),
                    Date.from(from.plus(CLIENT_VALIDITY)), new X500Name("CN=" + escape(serverId)
                    + ",O=Secondsite provider"), key);
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            return sign(b, caKey);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalArgumentException("csr: its public key cannot be certified (" + e.getMessage() + ")");
        }
    }

    /**
     * A positive serial number (16 bytes) from the SHA-256 of this CA's certificate, the key's text, the name, the
     * server id and the public key, each length-prefixed so that no two inputs run into each other. The key's text is
     * hashed, never shown: a one-way hash of 256 bits of signature does not reveal it.
     */
    private BigInteger clientSerial(String serverId, String friendlyName, String registrationKey, PublicKey key)
            throws GeneralSecurityException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (byte[] part : List.of("secondsite client certificate v1".getBytes(StandardCharsets.UTF_8),
                caCertificate.getEncoded(), registrationKey.getBytes(StandardCharsets.UTF_8),
                friendlyName.getBytes(StandardCharsets.UTF_8), serverId.getBytes(StandardCharsets.UTF_8),
                key.getEncoded())) {
            sha.update(ByteBuffer.allocate(4).putInt(part.length).array());
            sha.update(part);
        }
        byte[] serial = Arrays.copyOf(sha.digest(), 16);
        serial[0] &= 0x7f;
        return new BigInteger(1, serial).setBit(120); // never zero, always 16 bytes in DER
    }

    /** The issue time a registration key states (unverified), or empty when it cannot be read (the vault refuses it). */
    static Optional<Instant> keyIssuedAt(String registrationKey) {
        return RegistrationKey.statedIssueTime(Secret.of(registrationKey));
    }

    /** Whether {@code cert} was signed by this CA and is within its validity now. */
    boolean issued(X509Certificate cert) {
        try {
            cert.verify(caCertificate.getPublicKey());
            cert.checkValidity();
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "VaultCertificates[" + caCertificate.getSubjectX500Principal() + ", sha256 "
                + fingerprint(caCertificate) + "]";
    }

    // ------------------------------------------------------------------ helpers shared with the provider side

    static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    /** A PKCS#10 request for {@code pair}'s public key, signed with its private key, in DER. */
    static byte[] csr(KeyPair pair, String subject) {
        try {
            PKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(
                    new X500Name("CN=" + escape(subject)), pair.getPublic());
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(pair.getPrivate());
            return b.build(signer).getEncoded();
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make a certificate signing request: " + e.getMessage(), e);
        }
    }

    /** The lower-case hex SHA-256 of a certificate's DER form: how the vault names a credential (R6). */
    static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java 17 runtime", e);
        }
    }

    static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an X.509 certificate: " + e.getMessage());
        }
    }

    private static PublicKey publicKey(SubjectPublicKeyInfo info) throws GeneralSecurityException, IOException {
        String algorithm = info.getAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption) ? "RSA"
                : "EC";
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(info.getEncoded()));
    }

    /**
     * Signs with SHA256withECDSA whose nonce is derived from the key and the message (RFC 6979, BouncyCastle's
     * lightweight signer): the same certificate signed twice is the same bytes, which {@link #signClient} needs, and
     * no signature depends on the quality of a random source. Verifiers see ordinary ECDSA with SHA-256.
     */
    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException, IOException {
        AsymmetricKeyParameter signingKey = PrivateKeyFactory.createKey(key.getEncoded());
        ContentSigner signer = new BcContentSignerBuilder(new AlgorithmIdentifier(
                X9ObjectIdentifiers.ecdsa_with_SHA256), new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)) {
            @Override
            protected Signer createSigner(AlgorithmIdentifier signature, AlgorithmIdentifier digest) {
                return new DSADigestSigner(new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest())),
                        new SHA256Digest());
            }
        }.build(signingKey);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static BigInteger serial() {
        return new BigInteger(128, RANDOM);
    }

    private static String escape(String value) {
        return value.replaceAll("[,+\"\\\\<>;=#]", "_");
    }

    /** A private key and its chain, for a key manager. The key is never shown. */
    record KeyManagerMaterial(PrivateKey key, X509Certificate[] chain) {
        KeyManagerMaterial {
            requireNonNull(key, "key");
            chain = chain.clone();
        }

        @Override
        public X509Certificate[] chain() {
            return chain.clone();
        }

        @Override
        public String toString() {
            return "KeyManagerMaterial[" + chain[0].getSubjectX500Principal() + ", key ****]";
        }

        @Override
        public boolean equals(Object o) {
            return o == this;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }
}
