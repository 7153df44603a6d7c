package io.nara.load.fleet;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Client certificates for simulated hubs, minted in memory by the development CA ({@code deploy/pki/dev-pki.sh}), so
 * a fleet of thousands needs no files: each hub gets its own key pair and a certificate whose common name is its
 * hub id, exactly as the broker's ACL expects of a real hub. Never for production: it needs the CA's private key.
 */
final class HubIdentities {

    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private final X509Certificate ca;
    private final PrivateKey caKey;
    private final TrustManagerFactory trust;
    private final KeyPairGenerator keys;
    private final SecureRandom random = new SecureRandom();

    private HubIdentities(X509Certificate ca, PrivateKey caKey) throws GeneralSecurityException, IOException {
        this.ca = ca;
        this.caKey = caKey;
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("ca", ca);
        this.trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustStore);
        this.keys = KeyPairGenerator.getInstance("EC");
        keys.initialize(new ECGenParameterSpec("secp256r1"));
    }

    /** Reads {@code ca.crt} and {@code ca.key} (PEM) from the development PKI folder. */
    static HubIdentities fromDevPki(Path pkiDir) throws IOException, GeneralSecurityException {
        Path certFile = pkiDir.resolve("ca.crt");
        Path keyFile = pkiDir.resolve("ca.key");
        if (!Files.isReadable(keyFile)) {
            throw new IOException("the development CA's key " + keyFile + " is not readable: the simulator mints each"
                    + " hub's certificate with it (run deploy/dev/stack.sh up first)");
        }
        X509Certificate ca;
        try (Reader reader = Files.newBufferedReader(certFile);
                PEMParser pem = new PEMParser(reader)) {
            ca = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) pem.readObject());
        }
        PrivateKey key = privateKey(keyFile);
        return new HubIdentities(ca, key);
    }

    /** A key manager for a client of the development PKI whose certificate and key are PEM files there. */
    static KeyManagerFactory client(Path pkiDir, String name) throws IOException, GeneralSecurityException {
        X509Certificate cert;
        try (Reader reader = Files.newBufferedReader(pkiDir.resolve(name + ".crt"));
                PEMParser pem = new PEMParser(reader)) {
            cert = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) pem.readObject());
        }
        PrivateKey key = privateKey(pkiDir.resolve(name + ".key"));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(name, key, IN_MEMORY, new X509Certificate[] {cert});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, IN_MEMORY);
        return factory;
    }

    private static PrivateKey privateKey(Path keyFile) throws IOException {
        try (Reader reader = Files.newBufferedReader(keyFile);
                PEMParser pem = new PEMParser(reader)) {
            Object parsed = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException(keyFile + " holds no private key the simulator can read: " + parsed);
        }
    }

    TrustManagerFactory trust() {
        return trust;
    }

    /** A key manager holding a fresh key pair and a one-day certificate with CN = hubId, for client authentication. */
    synchronized KeyManagerFactory mint(String hubId) throws GeneralSecurityException {
        KeyPair pair = keys.generateKeyPair();
        Instant now = Instant.now();
        try {
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(new JcaX509v3CertificateBuilder(
                                    ca,
                                    new BigInteger(127, random),
                                    Date.from(now.minus(Duration.ofMinutes(5))),
                                    Date.from(now.plus(Duration.ofDays(1))),
                                    new X500Name("O=Nara Dev,CN=" + hubId),
                                    pair.getPublic())
                            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                            .addExtension(
                                    Extension.extendedKeyUsage,
                                    false,
                                    new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(hubId, pair.getPrivate(), IN_MEMORY, new X509Certificate[] {cert, ca});
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IN_MEMORY);
            return factory;
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("could not mint a certificate for " + hubId + ": " + e.getMessage(), e);
        }
    }
}
