package io.nara.gateway.tablet;

import io.nara.devices.Measurement;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.nara.gateway.pipeline.RejectedReadingException;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.vocabulary.Vocabulary;
import io.nara.rules.episode.Reading;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The patient's tablet page's API on the hub's local web server, and the installer's side of pairing.
 *
 * <p>Installer (the guard asks for the installer token on every POST): {@code POST /api/tablets/code?patient=ID}
 * issues a new pairing code (patient optional when the hub serves one), {@code GET /api/tablets} lists the paired
 * tablets, {@code POST /api/tablets/remove?id=tablet-1} removes one.
 *
 * <p>Tablet (under {@link #TABLET_API}, no installer token: the tablet's own cookie instead; the guard's Host and
 * Origin rules still apply): {@code POST /api/tablet/pair} ({@code {"code":"123456"}}) sets the HttpOnly,
 * SameSite=Strict cookie; {@code GET /api/tablet/today} today's measurements done or missing and the day's questions
 * with the answers given; {@code POST /api/tablet/answers} ({@code {"code":"29857009","present":true}}) stores an
 * answer as an observation through the reading pipeline and answers once the outbox holds it.
 */
public final class TabletApi {

    /** The tablet's own API: authorised by its cookie, not the installer token. */
    public static final String TABLET_API = "/api/tablet/";

    static final String COOKIE = "nara-tablet";
    static final String NOT_PAIRED = "Surfplattan är inte parkopplad med hubben, eller har tagits bort. Be den som "
            + "installerade hubben om en parkopplingskod. / This tablet is not paired with the hub, or was removed; "
            + "ask the installer for a pairing code.";
    private static final Logger LOG = LoggerFactory.getLogger(TabletApi.class);
    private static final int MAX_BODY = 1024;
    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm");

    private final Vertx vertx;
    private final MessageCodec codec;
    private final Clock clock;
    private final PairingCodes codes;
    private final PairedTablets tablets;
    private final ReadingPipeline pipeline;
    private final BiFunction<String, Instant, Future<List<Reading>>> readings;
    private final BooleanSupplier cloudConnected;

    /**
     * @param readings       the patient's readings the hub holds since a time (on the outbox's thread)
     * @param cloudConnected whether the uplink is connected now
     */
    public TabletApi(
            Vertx vertx,
            MessageCodec codec,
            Clock clock,
            PairedTablets tablets,
            ReadingPipeline pipeline,
            BiFunction<String, Instant, Future<List<Reading>>> readings,
            BooleanSupplier cloudConnected) {
        this.vertx = vertx;
        this.codec = codec;
        this.clock = clock;
        this.codes = new PairingCodes(clock);
        this.tablets = tablets;
        this.pipeline = pipeline;
        this.readings = readings;
        this.cloudConnected = cloudConnected;
    }

    public void mount(Router router) {
        router.post("/api/tablets/code").handler(this::issueCode);
        router.get("/api/tablets").handler(this::list);
        router.post("/api/tablets/remove").handler(this::remove);
        router.post(TABLET_API + "pair")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
                .handler(this::pair);
        router.get(TABLET_API + "today").handler(this::today);
        router.post(TABLET_API + "answers")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
                .handler(this::answer);
    }

    private void issueCode(RoutingContext ctx) {
        List<String> patients = pipeline.config().patients();
        String patient = ctx.queryParams().get("patient");
        if (patient == null && patients.size() == 1) {
            patient = patients.get(0);
        }
        if (patient == null) {
            json(
                    ctx,
                    400,
                    problem(
                            patients.isEmpty()
                                    ? "the hub serves no patient yet: a tablet can be paired once the cloud sent the care plan"
                                    : "parameter 'patient' is missing: the hub serves " + patients
                                            + "; name whose tablet it is"));
            return;
        }
        if (!patients.contains(patient)) {
            json(ctx, 400, problem("parameter 'patient': " + patient + " is not a patient of this hub"));
            return;
        }
        PairingCodes.Code code = codes.issue(patient);
        String until = code.validUntil().atZone(zone(patient)).format(CLOCK_TIME);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code.digits());
        body.put("patientId", patient);
        body.put("validUntil", code.validUntil());
        body.put(
                "card",
                "Nära – koppla ihop surfplattan med hubben\nÖppna hubbens sida /tablet/ på surfplattan och skriv koden "
                        + code.digits() + " (gäller till kl " + until + ").\n"
                        + "Nära – pair the tablet with the hub: open the hub's page /tablet/ on the tablet and "
                        + "enter the code " + code.digits() + " (valid until " + until + ").");
        LOG.info("tablet pairing code issued for patient {}, valid until {}", patient, code.validUntil());
        json(ctx, 201, body);
    }

    private void list(RoutingContext ctx) {
        json(
                ctx,
                200,
                Map.of(
                        "tablets",
                        tablets.all().stream()
                                .map(t -> Map.of("id", t.id(), "patientId", t.patientId(), "pairedAt", t.pairedAt()))
                                .toList()));
    }

    private void remove(RoutingContext ctx) {
        String id = ctx.queryParams().get("id");
        if (id == null || id.isBlank()) {
            json(ctx, 400, problem("parameter 'id' is missing: the tablet to remove, like tablet-1"));
            return;
        }
        vertx.executeBlocking(() -> tablets.remove(id)).onComplete(done -> {
            if (done.failed()) {
                internalError(ctx, done.cause());
            } else if (done.result()) {
                LOG.info("tablet {} removed; its token no longer works", id);
                json(ctx, 200, Map.of("removed", id));
            } else {
                json(ctx, 404, problem("no paired tablet '" + id + "'"));
            }
        });
    }

    private void pair(RoutingContext ctx) {
        Optional<String> given = field(ctx, "code").map(Object::toString);
        if (given.isEmpty()) {
            json(ctx, 400, problem("Skriv koden som visas på hubbens sida. / Enter the code shown on the hub's page."));
            return;
        }
        PairingCodes.Attempt attempt = codes.attempt(given.get());
        switch (attempt.outcome()) {
            case THROTTLED -> {
                long seconds = Math.max(
                        1,
                        Duration.between(clock.instant(), attempt.retryAfter()).toSeconds());
                LOG.warn("tablet pairing throttled after {} wrong codes", PairingCodes.MAX_TRIES);
                ctx.response().putHeader("Retry-After", Long.toString(seconds));
                json(
                        ctx,
                        429,
                        problem("För många felaktiga koder. Vänta " + minutes(seconds)
                                + " och försök igen. / Too many wrong codes; wait " + seconds + " s and try again."));
            }
            case WRONG, EXPIRED -> {
                LOG.warn(
                        "tablet pairing refused: {} code",
                        attempt.outcome() == PairingCodes.Outcome.WRONG ? "wrong" : "expired");
                json(
                        ctx,
                        401,
                        problem(
                                attempt.outcome() == PairingCodes.Outcome.WRONG
                                        ? "Fel kod. Kontrollera siffrorna på hubbens sida. / Wrong code; check the digits on the "
                                                + "hub's page."
                                        : "Koden har gått ut. Be om en ny kod. / The code has expired; ask for a new one."));
            }
            case PAIRED ->
                vertx.executeBlocking(() -> tablets.pair(attempt.patientId(), clock.instant()))
                        .onComplete(done -> {
                            if (done.failed()) {
                                internalError(ctx, done.cause());
                                return;
                            }
                            PairedTablets.Paired paired = done.result();
                            LOG.info(
                                    "{} paired for patient {}",
                                    paired.tablet().id(),
                                    paired.tablet().patientId());
                            ctx.response()
                                    .addCookie(Cookie.cookie(COOKIE, paired.token())
                                            .setHttpOnly(true)
                                            .setSameSite(CookieSameSite.STRICT)
                                            .setPath("/")
                                            .setMaxAge(Duration.ofDays(3650).toSeconds()));
                            json(ctx, 201, Map.of("tablet", paired.tablet().id()));
                        });
        }
    }

    private Optional<PairedTablets.Tablet> tablet(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(COOKIE);
        Optional<PairedTablets.Tablet> tablet = tablets.find(cookie == null ? null : cookie.getValue());
        if (tablet.isEmpty()) {
            LOG.warn(
                    "tablet API {} refused: {}",
                    ctx.request().path(),
                    cookie == null ? "no tablet cookie" : "unknown or removed tablet");
            json(ctx, 401, problem(NOT_PAIRED));
        }
        return tablet;
    }

    private void today(RoutingContext ctx) {
        Optional<PairedTablets.Tablet> tablet = tablet(ctx);
        if (tablet.isEmpty()) {
            return;
        }
        String patient = tablet.get().patientId();
        CarePlan plan = pipeline.config().carePlanFor(patient).orElse(null);
        Instant now = clock.instant();
        Instant midnight = now.atZone(zone(patient))
                .toLocalDate()
                .atStartOfDay(zone(patient))
                .toInstant();
        Instant since = plan == null
                ? midnight
                : plan.expected().stream()
                        .map(e -> TodaysMeasurements.periodStart(e, midnight, now))
                        .reduce(midnight, (a, b) -> a.isBefore(b) ? a : b);
        readings.apply(patient, since).onComplete(done -> {
            if (done.failed()) {
                internalError(ctx, done.cause());
                return;
            }
            Map<String, Instant> latest = new HashMap<>();
            Map<String, Reading> answers = new HashMap<>();
            for (Reading r : done.result()) {
                latest.merge(r.code(), r.time(), (a, b) -> a.isAfter(b) ? a : b);
                if (!r.time().isBefore(midnight) && Vocabulary.PRESENCE.equals(r.unit())) {
                    answers.put(r.code(), r); // oldest first: the later answer counts
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("tablet", tablet.get().id());
            body.put("cloudConnected", cloudConnected.getAsBoolean());
            body.put("clockSynchronized", pipeline.clockSynchronized());
            body.put("measurements", TodaysMeasurements.of(plan, latest, now));
            body.put(
                    "questions",
                    TabletQuestions.forPlan(plan).stream()
                            .map(q -> {
                                Map<String, Object> m = new LinkedHashMap<>();
                                m.put("code", q.code());
                                m.put("sv", q.sv());
                                m.put("en", q.en());
                                Reading a = answers.get(q.code());
                                m.put("answer", a == null || a.value() == null ? null : a.value() > 0.5);
                                m.put("answeredAt", a == null ? null : a.time());
                                m.put("adviceIfYes", q.adviceIfYes());
                                return m;
                            })
                            .toList());
            json(ctx, 200, body);
        });
    }

    private void answer(RoutingContext ctx) {
        Optional<PairedTablets.Tablet> tablet = tablet(ctx);
        if (tablet.isEmpty()) {
            return;
        }
        Optional<Object> code = field(ctx, "code");
        Optional<Object> present = field(ctx, "present");
        if (code.isEmpty() || !TabletQuestions.askable(code.get().toString())) {
            json(
                    ctx,
                    400,
                    problem("'code' must be one of the symptoms the tablet asks about, not " + code.orElse(null)));
            return;
        }
        if (present.isEmpty() || !(present.get() instanceof Boolean yes)) {
            json(ctx, 400, problem("'present' must be true (ja / yes) or false (nej / no)"));
            return;
        }
        var symptom = Vocabulary.byCode(code.get().toString()).orElseThrow();
        Measurement measurement = Measurement.of(symptom, yes ? 1.0 : 0.0, null, null, Set.of());
        pipeline.acceptAnswers(tablet.get().id(), tablet.get().patientId(), List.of(measurement))
                .onComplete(done -> {
                    if (done.failed()) {
                        if (done.cause() instanceof RejectedReadingException) {
                            json(ctx, 409, problem(done.cause().getMessage()));
                        } else {
                            internalError(ctx, done.cause());
                        }
                        return;
                    }
                    boolean connected = cloudConnected.getAsBoolean();
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("stored", true);
                    body.put("cloudConnected", connected);
                    body.put(
                            "message",
                            connected
                                    ? "Sparat och skickat till vården. / Saved and sent to your care team."
                                    : "Sparat på hubben, skickas när uppkopplingen är tillbaka. / Saved on the hub; "
                                            + "sent when the connection is back.");
                    TabletQuestions.forPlan(pipeline.config()
                                    .carePlanFor(tablet.get().patientId())
                                    .orElse(null))
                            .stream()
                            .filter(q -> q.code().equals(symptom.code()) && yes && q.adviceIfYes() != null)
                            .findFirst()
                            .ifPresent(q -> body.put("advice", q.adviceIfYes()));
                    json(ctx, 201, body);
                });
    }

    private ZoneId zone(String patient) {
        return pipeline.config().carePlanFor(patient).map(CarePlan::zoneId).orElse(ZoneId.of(CarePlan.DEFAULT_ZONE));
    }

    private static String minutes(long seconds) {
        long m = (seconds + 59) / 60;
        return m + (m == 1 ? " minut" : " minuter");
    }

    private static Optional<Object> field(RoutingContext ctx, String name) {
        try {
            JsonObject body = ctx.body().asJsonObject();
            return Optional.ofNullable(body == null ? null : body.getValue(name));
        } catch (RuntimeException e) {
            return Optional.empty(); // not JSON: answered as the missing field, naming it
        }
    }

    private static Map<String, Object> problem(String text) {
        return Map.of("problem", text);
    }

    private void internalError(RoutingContext ctx, Throwable e) {
        LOG.error(
                "tablet API {} {} failed", ctx.request().method(), ctx.request().path(), e);
        json(ctx, 500, problem("Hubben kunde inte göra detta. / The hub could not do this; the reason is in its log."));
    }

    private void json(RoutingContext ctx, int status, Object body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json; charset=utf-8")
                .putHeader("cache-control", "no-store")
                .end(codec.toJson(body));
    }
}
