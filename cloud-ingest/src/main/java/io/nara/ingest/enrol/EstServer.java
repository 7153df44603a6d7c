package io.nara.ingest.enrol;

import io.nara.ingest.db.Database;
import io.nara.ingest.rejected.RejectedMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subset of EST (RFC 7030) a hub needs, on its own HTTPS listener:
 * <pre>
 * GET  /.well-known/est/cacerts          the hub CA (PKCS#7 certs-only, base64)
 * POST /.well-known/est/simpleenroll     PKCS#10 (base64); HTTP Basic user = hub id, password = one-time code
 * POST /.well-known/est/simplereenroll   PKCS#10 (base64); TLS client certificate = the hub's current one
 * </pre>
 * Answers are a PKCS#7 certs-only structure holding the new certificate (RFC 7030 4.2.3). A refusal is a
 * {@code text/plain} body naming the problem, a log line, and a row in the rejected messages (topic
 * {@code est:/.well-known/est/...}); it changes nothing else. The listener only REQUESTS a client certificate, so a
 * hub without one can enrol with its code.
 */
public final class EstServer {

    private static final Logger LOG = LoggerFactory.getLogger(EstServer.class);
    private static final String BASE = "/.well-known/est/";
    private static final int MAX_REQUEST = 16 * 1024;

    private final Vertx vertx;
    private final Database db;
    private final HubEnrolment enrolment;
    private final CrlPublisher crl;
    private final BrokerAccounts accounts;
    private final RejectedMessages rejected;
    private final Clock clock;
    private HttpServer server;

    public EstServer(
            Vertx vertx,
            Database db,
            HubEnrolment enrolment,
            CrlPublisher crl,
            BrokerAccounts accounts,
            RejectedMessages rejected,
            Clock clock) {
        this.vertx = vertx;
        this.db = db;
        this.enrolment = enrolment;
        this.crl = crl;
        this.accounts = accounts;
        this.rejected = rejected;
        this.clock = clock;
    }

    public Future<HttpServer> listen(EnrolmentSettings settings) {
        Router router = Router.router(vertx);
        router.route(BASE + "*").handler(BodyHandler.create().setBodyLimit(MAX_REQUEST));
        router.get(BASE + "cacerts")
                .handler(ctx -> answerCerts(ctx, List.of(enrolment.ca().certificate())));
        router.post(BASE + "simpleenroll").handler(ctx -> {
            String[] basic = basic(ctx);
            String hubId = basic == null ? null : basic[0];
            byte[] csr = body(ctx);
            db.transaction(c -> enrolment.enrol(c, hubId, basic == null ? null : basic[1], csr, clock.instant()))
                    .onSuccess(cert -> {
                        LOG.info(
                                "hub {} enrolled: certificate {} valid until {}",
                                hubId,
                                cert.getSerialNumber().toString(16),
                                cert.getNotAfter().toInstant());
                        // A re-installed hub's earlier certificate was revoked with this enrolment.
                        crl.publish().onFailure(e -> LOG.error("could not write the CRL: {}", e.getMessage()));
                        // The broker must know the hub before the hub has its certificate, or its first session
                        // could do nothing. A hub that is not answered asks again with the same request and gets
                        // the same certificate.
                        accounts.grant(hubId)
                                .onSuccess(v -> answerCerts(ctx, List.of(cert)))
                                .onFailure(e -> {
                                    LOG.error(
                                            "hub {} enrolled, but its broker account could not be granted: {}",
                                            hubId,
                                            e.getMessage());
                                    ctx.response()
                                            .setStatusCode(503)
                                            .putHeader("Retry-After", "30")
                                            .putHeader("content-type", "text/plain; charset=utf-8")
                                            .end("the broker could not be told of this hub yet; ask again later");
                                });
                    })
                    .onFailure(e -> refuse(ctx, hubId, csr, e));
        });
        router.post(BASE + "simplereenroll").handler(ctx -> {
            X509Certificate current = clientCertificate(ctx);
            byte[] csr = body(ctx);
            String hubId = current == null
                    ? null
                    : HubCa.commonName(X500Name.getInstance(
                            current.getSubjectX500Principal().getEncoded()));
            db.transaction(c -> enrolment.reenroll(c, current, csr, clock.instant()))
                    .onSuccess(cert -> {
                        LOG.info(
                                "hub {} renewed its certificate: {} valid until {}",
                                hubId,
                                cert.getSerialNumber().toString(16),
                                cert.getNotAfter().toInstant());
                        answerCerts(ctx, List.of(cert));
                    })
                    .onFailure(e -> refuse(ctx, hubId, csr, e));
        });
        HttpServerOptions options = new HttpServerOptions()
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(settings.tlsCert().toString())
                        .setKeyPath(settings.tlsKey().toString()))
                .setTrustOptions(
                        new PemTrustOptions().addCertPath(settings.caCert().toString()))
                .setClientAuth(ClientAuth.REQUEST);
        return vertx.createHttpServer(options)
                .requestHandler(router)
                .listen(settings.port(), settings.host())
                .onSuccess(s -> {
                    server = s;
                    LOG.info("EST enrolment listening on https://{}:{}{}", settings.host(), s.actualPort(), BASE);
                });
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void refuse(RoutingContext ctx, String hubId, byte[] body, Throwable e) {
        int status = e instanceof HubEnrolment.Refused r ? r.status() : 500;
        String problem = e instanceof HubEnrolment.Refused ? e.getMessage() : "internal error; see the ingest's log";
        String topic = "est:" + ctx.normalizedPath();
        if (status >= 500) {
            LOG.error("EST {} for hub {} failed: {}", ctx.normalizedPath(), hubId, e.getMessage(), e);
        } else {
            LOG.warn(
                    "EST {} refused for hub {}: {}",
                    ctx.normalizedPath(),
                    hubId == null ? "(unnamed)" : hubId,
                    problem);
            rejected.keep(hubId, topic, body, problem)
                    .onFailure(k -> LOG.error("could not keep the refused EST request: {}", k.getMessage()));
        }
        if (status == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"nara-est\"");
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "text/plain; charset=utf-8")
                .end(problem);
    }

    /** The request body: base64 of the DER request (RFC 7030 4.2.1), line breaks allowed. */
    private static byte[] body(RoutingContext ctx) {
        String text = ctx.body() == null || ctx.body().buffer() == null
                ? ""
                : ctx.body().buffer().toString(StandardCharsets.US_ASCII);
        try {
            return Base64.getMimeDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            return text.getBytes(StandardCharsets.US_ASCII); // refused as "not a PKCS#10 request" with its bytes kept
        }
    }

    /** {user, password} of HTTP Basic, or null. */
    private static String[] basic(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String pair =
                    new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon < 0 ? null : new String[] {pair.substring(0, colon), pair.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static X509Certificate clientCertificate(RoutingContext ctx) {
        try {
            List<Certificate> chain = ctx.request().connection().peerCertificates();
            return chain == null || chain.isEmpty() ? null : (X509Certificate) chain.get(0);
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static void answerCerts(RoutingContext ctx, List<X509Certificate> certs) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addCertificates(new JcaCertStore(certs));
            byte[] der = generator.generate(new CMSAbsentContent(), false).getEncoded();
            ctx.response()
                    .putHeader("content-type", "application/pkcs7-mime; smime-type=certs-only")
                    .putHeader("content-transfer-encoding", "base64")
                    .end(Base64.getMimeEncoder().encodeToString(der) + "\r\n");
        } catch (CMSException | IOException | CertificateEncodingException e) {
            ctx.fail(e);
        }
    }
}
