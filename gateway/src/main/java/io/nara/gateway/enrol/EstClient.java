package io.nara.gateway.enrol;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;

/**
 * The hub's side of EST (RFC 7030), the subset the cloud serves: {@code simpleenroll} with the one-time code as HTTP
 * Basic password, {@code simplereenroll} with TLS client authentication by the current certificate. The server is
 * trusted only through the configured CA. Blocking: call from a worker thread.
 */
public final class EstClient {

    /** The cloud refused (HTTP 4xx): the message is the cloud's own words, e.g. "wrong enrolment code". */
    public static final class Refused extends IOException {
        private final int status;

        public Refused(int status, String problem) {
            super(problem);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final List<X509Certificate> trusted;

    /** @param base the cloud's EST address, {@code https://host:port} */
    public EstClient(URI base, List<X509Certificate> trusted) {
        if (base == null || !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("the enrolment URL must be https://host:port, was " + base);
        }
        this.base = base;
        this.trusted = List.copyOf(trusted);
    }

    /** Enrols with the one-time code; the answer is the signed certificate. */
    public X509Certificate simpleEnroll(String hubId, String code, byte[] csr)
            throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((hubId + ":" + code).getBytes(StandardCharsets.UTF_8));
        return post("simpleenroll", csr, client(null, null), basic);
    }

    /** Renews, signing in with the current key and certificate. */
    public X509Certificate simpleReenroll(byte[] csr, KeyStore current, char[] password)
            throws IOException, InterruptedException {
        return post("simplereenroll", csr, client(current, password), null);
    }

    private X509Certificate post(String operation, byte[] csr, HttpClient client, String basic)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/.well-known/est/" + operation))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/pkcs10")
                .header("Content-Transfer-Encoding", "base64")
                .POST(HttpRequest.BodyPublishers.ofString(
                        Base64.getMimeEncoder().encodeToString(csr)));
        if (basic != null) {
            request.header("Authorization", "Basic " + basic);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new Refused(
                    response.statusCode(),
                    "the cloud refused " + operation + " (HTTP " + response.statusCode() + "): "
                            + response.body().trim());
        }
        List<X509Certificate> certs = certsOnly(response.body());
        if (certs.size() != 1) {
            throw new IOException(
                    "the cloud's " + operation + " answer holds " + certs.size() + " certificates, not one");
        }
        return certs.get(0);
    }

    /** The certificates of a base64 PKCS#7 certs-only answer. */
    static List<X509Certificate> certsOnly(String base64) throws IOException {
        try {
            CMSSignedData data = new CMSSignedData(Base64.getMimeDecoder().decode(base64.trim()));
            List<X509Certificate> out = new ArrayList<>();
            for (X509CertificateHolder holder : data.getCertificates().getMatches(null)) {
                out.add(new JcaX509CertificateConverter().getCertificate(holder));
            }
            return out;
        } catch (CMSException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the cloud's answer is not a PKCS#7 certs-only structure: " + e.getMessage(), e);
        }
    }

    private HttpClient client(KeyStore keys, char[] password) throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                trust.setCertificateEntry("ca-" + i, trusted.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (keys != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, password);
            }
            SSLContext tls = SSLContext.getInstance("TLSv1.3");
            tls.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return HttpClient.newBuilder()
                    .sslContext(tls)
                    .connectTimeout(TIMEOUT)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for enrolment: " + e.getMessage(), e);
        }
    }
}
