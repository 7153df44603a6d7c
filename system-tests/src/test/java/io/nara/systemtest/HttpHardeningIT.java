package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What a probe of the running web app found, closed: security headers on every answer (pages, API, errors), pages
 * revalidated rather than cached for a day, oversized bodies refused before authentication, a slow client cut off,
 * FHIR links from the configured address rather than the Host header, and malformed parameters answered 400 without
 * a stack trace in the log. A real ingest node on the dev stack.
 */
class HttpHardeningIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Services.Ingest ingest;

    @BeforeAll
    static void start() throws Exception {
        ingest = Services.startIngest(DevStack.ensureUp());
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(ingest);
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndPagesAreRevalidated() throws Exception {
        for (String path : new String[] {
            "/", "/index.html", "/nara.js", "/patient.html", "/api/inbox", "/health", "/fhir/metadata", "/no-such-page"
        }) {
            HttpResponse<String> r = get(path, null);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp)
                    .as(path)
                    .contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'")
                    .doesNotContain("'unsafe-inline' 'unsafe-eval'")
                    .doesNotContainPattern("script-src[^;]*unsafe");
            assertThat(r.headers().firstValue("X-Content-Type-Options"))
                    .as(path)
                    .hasValue("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
            String cache = r.headers().firstValue("Cache-Control").orElse("");
            assertThat(cache).as(path).doesNotContain("immutable", "max-age=86400");
            assertThat(cache).as(path).isIn("no-cache", "no-store");
        }
        assertThat(get("/api/inbox", null).headers().firstValue("Cache-Control"))
                .hasValue("no-store");
        assertThat(get("/index.html", null).headers().firstValue("Last-Modified"))
                .as("so revalidation is cheap")
                .isPresent();
    }

    @Test
    void anOversizedBodyIsRefusedBeforeAuthentication() throws Exception {
        String big = "{\"username\":\"" + "x".repeat(100_000) + "\",\"password\":\"p\"}";
        HttpResponse<String> signIn = HTTP.send(
                HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/signin"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(big))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(413);
        HttpResponse<String> anonymous = HTTP.send(
                HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/alerts/1/acknowledge"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(big))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).as("not a 401 after reading it all").isEqualTo(413);
    }

    @Test
    void malformedParametersAre400WithoutAStackTraceInTheLog() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        try {
            for (String path : new String[] {
                "/api/alerts/%00",
                "/api/patients/p%00x",
                "/fhir/Patient/%00",
                "/fhir/Observation?patient=greta&date=ge9999",
                "/fhir/Observation?patient=greta&date=lt0001",
                "/api/inbox?limit=%01"
            }) {
                HttpResponse<String> r = get(path, "Bearer " + ingest.apiKey());
                assertThat(r.statusCode()).as(path).isEqualTo(400);
                assertThat(r.body()).as(path).doesNotContain("Exception", "at io.", "at java.");
            }
        } finally {
            root.detachAppender(log);
        }
        assertThat(log.list.stream().filter(e -> e.getThrowableProxy() != null).map(ILoggingEvent::getFormattedMessage))
                .as("no stack trace logged")
                .isEmpty();
    }

    @Test
    void fhirLinksComeFromTheConfiguredAddressNotTheHostHeader() throws Exception {
        String answer = raw("GET /fhir/Patient?_id=nobody HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer "
                + ingest.apiKey() + "\r\nConnection: close\r\n\r\n");
        assertThat(answer)
                .startsWith("HTTP/1.1 200")
                .contains("\"relation\":\"self\"")
                .doesNotContain("evil.example");
    }

    @Test
    void aClientThatNeverFinishesItsRequestIsCutOff() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", ingest.service().httpPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Instant sent = Instant.now();
            InputStream in = socket.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (SocketException reset) {
                read = -1;
            }
            assertThat(read).as("closed without an answer").isEqualTo(-1);
            assertThat(Duration.between(sent, Instant.now())).isLessThan(Duration.ofSeconds(25));
        }
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", ingest.service().httpPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
