package io.nara.gateway.enrol;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.gateway.gpio.HubSignals;
import io.nara.gateway.gpio.LedState;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubIdentityTest {

    @Test
    void thePendingKeySurvivesARestartSoALostAnswerCanBeFetchedAgain(@TempDir Path dir) throws Exception {
        KeyPair first = new HubIdentity(dir, "hub-1").pendingKey();
        KeyPair again = new HubIdentity(dir, "hub-1").pendingKey();
        assertThat(again.getPublic()).isEqualTo(first.getPublic());
        assertThat(((ECPrivateKey) again.getPrivate()).getS()).isEqualTo(((ECPrivateKey) first.getPrivate()).getS());
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve("identity/pending-key.pem"))))
                .isEqualTo("rw-------");
    }

    @Test
    void theRequestNamesTheHubAndIsSignedWithItsKey(@TempDir Path dir) throws Exception {
        HubIdentity identity = new HubIdentity(dir, "hub-1");
        KeyPair key = identity.pendingKey();
        PKCS10CertificationRequest csr = new PKCS10CertificationRequest(identity.request(key));
        assertThat(csr.getSubject().toString()).isEqualTo("CN=hub-1");
        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key.getPublic())))
                .isTrue();
    }

    @Test
    void anInstalledCertificateIsTheHubsIdentityAndThePendingKeyIsGone(@TempDir Path dir) throws Exception {
        HubIdentity identity = new HubIdentity(dir, "hub-1");
        assertThat(identity.certificate()).isEmpty();
        KeyPair ca = HubIdentity.newKeyPair();
        KeyPair key = identity.pendingKey();
        X509Certificate caCert = cert("CN=CA", ca, ca);
        X509Certificate cert = cert("CN=hub-1,O=Nara", key, ca);
        identity.install(key.getPrivate(), cert, List.of(caCert));

        assertThat(identity.certificate()).contains(cert);
        assertThat(dir.resolve("identity/pending-key.pem")).doesNotExist();
        assertThat(identity.tlsIdentity().sslContext()).isNotNull(); // the stores open with their password
        assertThat(new HubIdentity(dir, "hub-2").certificate())
                .as("another hub id")
                .isEmpty();
    }

    @Test
    void waitingForEnrolmentWinsOnTheLed() {
        assertThat(LedState.decide(new HubSignals.Snapshot(false, true, false, 2, true)))
                .isEqualTo(LedState.WAITING_FOR_ENROLMENT);
        assertThat(LedState.decide(new HubSignals.Snapshot(false, false, false, 0, false)))
                .isEqualTo(LedState.NO_CONNECTION);
    }

    private static X509Certificate cert(String subject, KeyPair subjectKey, KeyPair issuerKey) throws Exception {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(
                new X500Principal(subjectKey == issuerKey ? subject : "CN=CA"),
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)),
                Date.from(now.plusSeconds(3600)),
                new X500Principal(subject),
                subjectKey.getPublic());
        return new JcaX509CertificateConverter()
                .getCertificate(
                        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    }
}
