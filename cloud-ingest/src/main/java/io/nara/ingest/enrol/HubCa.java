package io.nara.ingest.enrol;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The hub CA: signs hubs' certificate requests and writes the certificate revocation list the broker checks. Pure
 * cryptography through BouncyCastle's PKIX API; no database, no I/O but loading the key and writing the CRL file.
 *
 * <p>Development loads the CA's key from a PEM file the dev PKI made; production keeps it in an HSM or a separate
 * signing service (see cloud-ingest/README.md), which is why everything that signs goes through this one class.
 */
public final class HubCa {

    /** A certificate request the CA will not sign; the message names the problem. */
    public static final class BadRequest extends Exception {
        public BadRequest(String problem) {
            super(problem);
        }
    }

    /** A revoked certificate for the CRL. */
    public record Revoked(BigInteger serial, Instant at) {}

    private final X509Certificate caCert;
    private final PrivateKey caKey;
    private final SecureRandom random = new SecureRandom();

    public HubCa(X509Certificate caCert, PrivateKey caKey) {
        this.caCert = caCert;
        this.caKey = caKey;
    }

    /** Loads the CA certificate and its PKCS#8 (or SEC1/PKCS#1) private key from PEM files. */
    public static HubCa load(Path certPem, Path keyPem) throws IOException {
        try (Reader certIn = Files.newBufferedReader(certPem);
                Reader keyIn = Files.newBufferedReader(keyPem)) {
            Object cert = new PEMParser(certIn).readObject();
            Object key = new PEMParser(keyIn).readObject();
            if (!(cert instanceof X509CertificateHolder holder)) {
                throw new IOException(certPem + " holds no PEM certificate");
            }
            JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
            PrivateKey privateKey;
            if (key instanceof PrivateKeyInfo info) {
                privateKey = keys.getPrivateKey(info);
            } else if (key instanceof PEMKeyPair pair) {
                privateKey = keys.getKeyPair(pair).getPrivate();
            } else {
                throw new IOException(keyPem + " holds no unencrypted PEM private key");
            }
            return new HubCa(new JcaX509CertificateConverter().getCertificate(holder), privateKey);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the hub CA from " + certPem + ": " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return caCert;
    }

    /**
     * Parses a DER certificate request and checks it: its signature proves the requester holds the key, the key is
     * strong enough, and its subject's common name is {@code expectedCn}.
     */
    public static JcaPKCS10CertificationRequest checkRequest(byte[] der, String expectedCn) throws BadRequest {
        JcaPKCS10CertificationRequest csr;
        try {
            csr = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(der));
        } catch (IOException | RuntimeException e) {
            throw new BadRequest("not a PKCS#10 certificate request (" + e.getMessage() + ")");
        }
        PublicKey key;
        try {
            key = csr.getPublicKey();
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new BadRequest("the certificate request's signature does not match its key");
            }
        } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
            throw new BadRequest("cannot verify the certificate request's signature (" + e.getMessage() + ")");
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
            throw new BadRequest("RSA key of " + rsa.getModulus().bitLength() + " bits; at least 2048 are needed");
        }
        if (!(key instanceof RSAPublicKey) && !(key instanceof ECPublicKey)) {
            throw new BadRequest("key algorithm " + key.getAlgorithm() + " is not accepted (EC P-256 or RSA)");
        }
        String cn = commonName(csr.getSubject());
        if (!expectedCn.equals(cn)) {
            throw new BadRequest("the certificate request's subject CN=" + cn + " does not match hub id " + expectedCn);
        }
        return csr;
    }

    /** The first CN of a name, or null. */
    static String commonName(X500Name name) {
        var rdns = name.getRDNs(BCStyle.CN);
        return rdns.length == 0
                ? null
                : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    /** Signs a checked request: a client certificate for MQTT with CN = hub id, valid from now to {@code notAfter}. */
    public X509Certificate sign(JcaPKCS10CertificationRequest csr, String hubId, Instant now, Instant notAfter) {
        try {
            // Our own subject, not the request's: nothing the requester wrote beyond its key ends up signed.
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "Nara")
                    .addRDN(BCStyle.CN, hubId)
                    .build();
            PublicKey key = csr.getPublicKey();
            // A little backdating tolerates a hub whose clock runs slightly behind.
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    caCert, serial(), Date.from(now.minusSeconds(300)), Date.from(notAfter), subject, key);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(
                            key instanceof RSAPublicKey
                                    ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                                    : KeyUsage.digitalSignature));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the hub CA cannot sign: " + e.getMessage(), e);
        }
    }

    /** A CRL listing {@code revoked}, valid until {@code nextUpdate}; its number rises with {@code now}. */
    public X509CRL crl(List<Revoked> revoked, Instant now, Instant nextUpdate) {
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(
                    X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()), Date.from(now));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (Revoked r : revoked) {
                builder.addCRLEntry(r.serial(), Date.from(r.at()), CRLReason.unspecified);
            }
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(now.toEpochMilli())));
            builder.addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCert));
            X509CRLHolder holder = builder.build(signer());
            return new JcaX509CRLConverter().getCRL(holder);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the hub CA cannot write a CRL: " + e.getMessage(), e);
        }
    }

    /** Whether {@code cert} was signed by this CA. */
    public boolean issued(X509Certificate cert) {
        try {
            cert.verify(caCert.getPublicKey());
            return cert.getIssuerX500Principal().equals(caCert.getSubjectX500Principal());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public static String pem(Object certOrCrl) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(certOrCrl);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a file so that a reader sees the old or the new content, never half: a temporary file beside it, fsync,
     * atomic rename. World-readable: the broker runs as another user, and a CRL is public.
     */
    public static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the default permissions stand.
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private BigInteger serial() {
        // 127 random bits, positive, never zero: unguessable and unique without a counter (RFC 5280 4.1.2.2).
        return new BigInteger(127, random).setBit(126);
    }

    private ContentSigner signer() {
        try {
            String alg = caKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaContentSignerBuilder(alg).build(caKey);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot use the hub CA's key: " + e.getMessage(), e);
        }
    }
}
