package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.ingest.web.WebTls;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Cookie;

/**
 * The web app and FHIR on HTTPS with the organisation's certificate (the dev PKI's web certificate here), checked
 * with real TLS clients: Java's HttpClient trusting only the dev CA, and Chromium signing a nurse in with a Secure
 * cookie. Plain HTTP only redirects, to the configured address; HSTS is sent; a keystore that cannot serve stops the
 * start with the reason.
 */
class HttpsIT {

    private Browser browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theWebAppAndFhirSpeakHttpsAndPlainHttpOnlyRedirects() throws Exception {
        DevStack stack = DevStack.ensureUp();
        int port = freePort();
        String base = "https://127.0.0.1:" + port;
        try (Services.Ingest ingest = Services.startIngest(stack, webTls(stack, 0), port, base + "/")) {
            HttpClient tls = HttpClient.newBuilder().sslContext(trusting(stack)).build();
            HttpResponse<String> health = tls.send(
                    HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("Strict-Transport-Security"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("max-age="));
            HttpResponse<String> metadata = tls.send(
                    HttpRequest.newBuilder(URI.create(base + "/fhir/metadata"))
                            .header("Authorization", "Bearer " + ingest.apiKey())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metadata.statusCode()).as("FHIR on the same HTTPS port").isEqualTo(200);

            HttpResponse<String> imported = tls.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/admin/organisation"))
                            .header("Authorization", "Bearer " + ingest.apiKey())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    Alerting.organisation().encode()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
            HttpResponse<String> signIn = tls.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/signin"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
                                    .put("username", "anna")
                                    .put("password", "anna-secret-1")
                                    .encode()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(signIn.statusCode()).isEqualTo(200);
            assertThat(signIn.headers().firstValue("set-cookie"))
                    .hasValueSatisfying(c -> assertThat(c)
                            .startsWith("nara_session=")
                            .contains("Secure", "SameSite=Strict")
                            .containsIgnoringCase("HttpOnly"));

            assertThatThrownBy(() -> HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(base + "/health"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString()))
                    .as("a client that does not trust the CA")
                    .isInstanceOf(SSLHandshakeException.class);
            assertThatThrownBy(() -> HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(10))
                            .build()
                            .send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                            .timeout(Duration.ofSeconds(20))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString()))
                    .as("plain HTTP on the HTTPS port")
                    .isInstanceOf(IOException.class);

            int plain = ingest.service().redirectPort();
            HttpResponse<String> redirect = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain + "/patient.html?id=x"))
                                    .header("Cookie", "a=b")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(redirect.statusCode()).isEqualTo(301);
            assertThat(redirect.headers().firstValue("Location")).hasValue(base + "/patient.html?id=x");
            assertThat(redirect.headers().allValues("set-cookie")).isEmpty();

            browser = Browser.start("https");
            browser.signInToInbox(base, "anna", "anna-secret-1");
            Cookie session = browser.driver().manage().getCookieNamed("nara_session");
            assertThat(session.isSecure()).isTrue();
        }
    }

    @Test
    void aCertificateThatCannotServeStopsTheStartNamingIt(@TempDir Path dir) throws Exception {
        DevStack stack = DevStack.ensureUp();
        Path expired = dir.resolve("expired.p12");
        Process keytool = new ProcessBuilder(
                        "keytool",
                        "-genkeypair",
                        "-alias",
                        "web",
                        "-keyalg",
                        "EC",
                        "-dname",
                        "CN=localhost",
                        "-startdate",
                        "-2y",
                        "-validity",
                        "30",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        expired.toString(),
                        "-storepass",
                        "expired-pass",
                        "-keypass",
                        "expired-pass")
                .redirectErrorStream(true)
                .start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor()).isZero();
        assertThatThrownBy(() ->
                        Services.startIngest(stack, new WebTls(expired, "expired-pass", -1), 0, "https://127.0.0.1/"))
                .hasMessageContaining("expired on")
                .hasMessageContaining(expired.toString());
        assertThatThrownBy(() -> Services.startIngest(stack, new WebTls(expired, "wrong", -1), 0, "https://127.0.0.1/"))
                .hasMessageContaining("wrong password");
        assertThatThrownBy(() -> Services.startIngest(
                        stack, new WebTls(dir.resolve("none.p12"), "x", -1), 0, "https://127.0.0.1/"))
                .hasMessageContaining("does not exist");
    }

    private static WebTls webTls(DevStack stack, int redirectPort) throws Exception {
        return new WebTls(
                stack.pkiDir().resolve("web.p12"),
                Files.readString(stack.pkiDir().resolve("keystore.password")).strip(),
                redirectPort);
    }

    private static SSLContext trusting(DevStack stack) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(stack.pkiDir().resolve("truststore.p12"))) {
            trust.load(
                    in,
                    Files.readString(stack.pkiDir().resolve("keystore.password"))
                            .strip()
                            .toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
