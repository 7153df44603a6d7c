package io.nara.ingest.enrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class HubCaTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    private final KeyPair caKey = ecKey();
    private final HubCa ca = new HubCa(selfSigned(caKey), caKey.getPrivate());

    @Test
    void signsAClientCertificateForTheHubIdWithOurSubjectNotTheRequests() throws Exception {
        KeyPair hub = ecKey();
        var csr = HubCa.checkRequest(request("CN=hub-7,O=Evil Corp,OU=admin", hub), "hub-7");
        X509Certificate cert = ca.sign(csr, "hub-7", NOW, NOW.plusSeconds(86_400));

        cert.verify(caKey.getPublic());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=hub-7,O=Nara");
        assertThat(cert.getPublicKey()).isEqualTo(hub.getPublic());
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2"); // clientAuth only
        assertThat(cert.getBasicConstraints()).isEqualTo(-1); // not a CA
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plusSeconds(86_400));
        assertThat(ca.issued(cert)).isTrue();
        assertThat(ca.issued(selfSigned(ecKey()))).isFalse();
    }

    @Test
    void refusesARequestForAnotherHubOrThatIsNoRequestAtAll() throws Exception {
        KeyPair hub = ecKey();
        assertThatThrownBy(() -> HubCa.checkRequest(request("CN=hub-8", hub), "hub-7"))
                .isInstanceOf(HubCa.BadRequest.class)
                .hasMessage("the certificate request's subject CN=hub-8 does not match hub id hub-7");
        assertThatThrownBy(() -> HubCa.checkRequest(new byte[] {48, 3, 1, 1, 0}, "hub-7"))
                .isInstanceOf(HubCa.BadRequest.class)
                .hasMessageStartingWith("not a PKCS#10 certificate request");
        KeyPair weak = KeyPairGenerator.getInstance("RSA").genKeyPair(); // default size is checked below
        if (((RSAPublicKey) weak.getPublic()).getModulus().bitLength() < 2048) {
            assertThatThrownBy(() -> HubCa.checkRequest(request("CN=hub-7", weak), "hub-7"))
                    .hasMessageContaining("at least 2048");
        }
    }

    @Test
    void theCrlListsTheRevokedSerialsAndIsSignedByTheCa() throws Exception {
        BigInteger serial = new BigInteger("1234567890abcdef", 16);
        X509CRL crl = ca.crl(List.of(new HubCa.Revoked(serial, NOW.minusSeconds(60))), NOW, NOW.plusSeconds(3600));
        crl.verify(caKey.getPublic());
        assertThat(crl.getRevokedCertificate(serial)).isNotNull();
        assertThat(crl.getRevokedCertificate(BigInteger.TEN)).isNull();
        assertThat(crl.getNextUpdate().toInstant()).isEqualTo(NOW.plusSeconds(3600));
        assertThat(HubCa.pem(crl)).startsWith("-----BEGIN X509 CRL-----");
    }

    @Test
    void aCodeIsTheSameWhateverCaseAndDashesThePersonTyped() {
        assertThat(HubEnrolment.codeHash("abcd-efgh-jkmn-pqrs")).isEqualTo(HubEnrolment.codeHash("ABCDEFGH JKMNPQRS"));
        assertThat(HubEnrolment.codeHash("ABCD-EFGH-JKMN-PQRT"))
                .isNotEqualTo(HubEnrolment.codeHash("ABCD-EFGH-JKMN-PQRS"));
    }

    private static byte[] request(String subject, KeyPair key) throws Exception {
        String alg = key.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaPKCS10CertificationRequestBuilder(new X500Principal(subject), key.getPublic())
                .build(new JcaContentSignerBuilder(alg).build(key.getPrivate()))
                .getEncoded();
    }

    private static KeyPair ecKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate selfSigned(KeyPair key) {
        try {
            X500Principal name = new X500Principal("CN=Test Hub CA");
            var builder = new JcaX509v3CertificateBuilder(
                    name,
                    BigInteger.ONE,
                    Date.from(NOW.minusSeconds(3600)),
                    Date.from(NOW.plusSeconds(365 * 86_400L)),
                    name,
                    key.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            return new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
