package io.nara.gateway.enrol;

import io.nara.mqtt.TlsIdentity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The hub's own identity in {@code <data-dir>/identity/}: a key pair made here (the private key never leaves the hub),
 * the certificate the cloud's hub CA signed for it, and the CA it trusts. Every file is written durably (temporary file,
 * fsync, atomic rename, fsync of the folder), so a power cut leaves the old identity or the new one, never half.
 *
 * <pre>
 * identity/pending-key.pem   the key of an enrolment under way (kept so a lost answer can be fetched again)
 * identity/hub.p12           key + certificate chain, for MQTT and re-enrolment
 * identity/trust.p12         the CA certificates the hub trusts (from --truststore)
 * identity/store.password    the random password of both stores
 * </pre>
 * Blocking file I/O: call from a worker thread.
 */
public final class HubIdentity {

    private static final String ALIAS = "hub";

    private final Path dir;
    private final String hubId;

    public HubIdentity(Path dataDir, String hubId) {
        this.dir = dataDir.resolve("identity");
        this.hubId = hubId;
    }

    public Path dir() {
        return dir;
    }

    /** The identity for MQTT; its files exist once {@link #install} ran. */
    public TlsIdentity tlsIdentity() {
        return new TlsIdentity(dir.resolve("hub.p12"), dir.resolve("trust.p12"), dir.resolve("store.password"));
    }

    /** The installed certificate, when there is one for this hub id. */
    public Optional<X509Certificate> certificate() throws IOException {
        Path p12 = dir.resolve("hub.p12");
        if (!Files.exists(p12) || !Files.exists(dir.resolve("store.password"))) {
            return Optional.empty();
        }
        try {
            KeyStore store = load(p12, password());
            X509Certificate cert = (X509Certificate) store.getCertificate(ALIAS);
            if (cert == null || !hubId.equals(commonName(cert))) {
                return Optional.empty();
            }
            return Optional.of(cert);
        } catch (GeneralSecurityException e) {
            throw new IOException("the hub identity " + p12 + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The installed key, for re-enrolment's TLS client authentication. */
    public KeyStore keyStore() throws IOException {
        try {
            return load(dir.resolve("hub.p12"), password());
        } catch (GeneralSecurityException e) {
            throw new IOException("the hub identity cannot be read: " + e.getMessage(), e);
        }
    }

    public char[] password() throws IOException {
        return Files.readString(dir.resolve("store.password"), StandardCharsets.US_ASCII)
                .trim()
                .toCharArray();
    }

    /** The key of the enrolment under way, made (and stored) on first use. */
    public KeyPair pendingKey() throws IOException {
        Path file = dir.resolve("pending-key.pem");
        if (Files.exists(file)) {
            // Two PEM blocks: the private key (PKCS#8) and its public key (SubjectPublicKeyInfo).
            try (Reader in = Files.newBufferedReader(file);
                    PEMParser pem = new PEMParser(in)) {
                Object first = pem.readObject();
                Object second = pem.readObject();
                if (first instanceof PrivateKeyInfo priv && second instanceof SubjectPublicKeyInfo pub) {
                    JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
                    return new KeyPair(keys.getPublicKey(pub), keys.getPrivateKey(priv));
                }
                // Not readable as a pair: start over with a new key (nothing was certified for a broken file).
            }
        }
        KeyPair pair = newKeyPair();
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
            writer.writeObject(pair.getPublic());
        }
        writeDurably(file, pem.toString().getBytes(StandardCharsets.US_ASCII));
        return pair;
    }

    /** A fresh EC P-256 key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an EC P-256 key: " + e.getMessage(), e);
        }
    }

    /** A PKCS#10 request, DER, with subject CN = hub id, signed with the key. */
    public byte[] request(KeyPair key) {
        try {
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(
                            new X500Principal("CN=" + hubId), key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
            return csr.getEncoded();
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a certificate request: " + e.getMessage(), e);
        }
    }

    /** Installs a signed certificate with its key and the trusted CAs; the pending key is then removed. */
    public void install(PrivateKey key, X509Certificate cert, List<X509Certificate> trusted) throws IOException {
        if (!hubId.equals(commonName(cert))) {
            throw new IOException("the cloud signed a certificate for CN=" + commonName(cert) + ", not " + hubId);
        }
        Files.createDirectories(dir);
        Path passwordFile = dir.resolve("store.password");
        if (!Files.exists(passwordFile)) {
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            writeDurably(passwordFile, HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII));
        }
        char[] password = password();
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, password);
            for (int i = 0; i < trusted.size(); i++) {
                trust.setCertificateEntry("ca-" + i, trusted.get(i));
            }
            writeDurably(dir.resolve("trust.p12"), store(trust, password));
            KeyStore hub = KeyStore.getInstance("PKCS12");
            hub.load(null, password);
            List<Certificate> chain = new ArrayList<>();
            chain.add(cert);
            chain.addAll(trusted);
            hub.setKeyEntry(ALIAS, key, password, chain.toArray(Certificate[]::new));
            writeDurably(dir.resolve("hub.p12"), store(hub, password));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the hub identity: " + e.getMessage(), e);
        }
        Files.deleteIfExists(dir.resolve("pending-key.pem"));
        fsync(dir);
    }

    /**
     * The CA certificates of {@code truststore}: PKCS12 (password from {@code passwordFile}) or PEM.
     */
    public static List<X509Certificate> trustAnchors(Path truststore, Path passwordFile) throws IOException {
        byte[] bytes = Files.readAllBytes(truststore);
        try {
            if (new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.US_ASCII).contains("-----BEGIN")) {
                List<X509Certificate> out = new ArrayList<>();
                for (Certificate c :
                        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                    out.add((X509Certificate) c);
                }
                return out;
            }
            if (passwordFile == null) {
                throw new IOException(
                        "the PKCS12 truststore " + truststore + " needs --password-file (or give a PEM file)");
            }
            char[] password = Files.readAllLines(passwordFile, StandardCharsets.UTF_8)
                    .get(0)
                    .trim()
                    .toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(bytes), password);
            List<X509Certificate> out = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isCertificateEntry(alias)) {
                    out.add((X509Certificate) store.getCertificate(alias));
                }
            }
            if (out.isEmpty()) {
                throw new IOException("the truststore " + truststore + " holds no CA certificate");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the truststore " + truststore + ": " + e.getMessage(), e);
        }
    }

    static String commonName(X509Certificate cert) {
        for (String part :
                cert.getSubjectX500Principal().getName(X500Principal.RFC2253).split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return null;
    }

    /** Whether the certificate should be renewed now: two thirds of its life are over. */
    public static boolean dueForRenewal(X509Certificate cert, Instant now) {
        return !now.isBefore(renewalTime(cert));
    }

    public static Instant renewalTime(X509Certificate cert) {
        long from = cert.getNotBefore().getTime();
        long to = cert.getNotAfter().getTime();
        return Instant.ofEpochMilli(from + (to - from) * 2 / 3);
    }

    private static byte[] store(KeyStore store, char[] password) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, password);
        return out.toByteArray();
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    /** Temporary file (owner-only), fsync, atomic rename, fsync of the folder. */
    private void writeDurably(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        try {
            Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // Not POSIX: the folder keeps its permissions.
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not POSIX.
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(content));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsync(file.getParent());
    }

    private static void fsync(Path folder) throws IOException {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a folder for fsync; the rename is still atomic there.
        }
    }
}
