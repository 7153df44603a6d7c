package io.nara.ingest.relative;

import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.contact.PatientContact;
import io.nara.ingest.observation.Evidence;
import io.nara.ingest.web.ApiRoutes;
import io.nara.ingest.web.Signal;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The relative's one API call, {@code GET /api/relative/patient}: with the patient's VIEW consent in force, the
 * patient's name, the newest reading of each signal, whether an alert is open, and her named care contact and SIP; without it, 404 and nothing else.
 * Logged either way ({@code relative.view} or {@code relative.refused}), in the transaction that checks the consent.
 * Staff and the operator get 403 there: it is not a way around the care relation.
 *
 * <p>The relative's alarm ({@link RelativeAlarm}): {@code GET /api/relative/alarm} (where their latest alarm stands)
 * and {@code POST /api/relative/alarm} (raise it), with the patient's ALARM consent in force; 403 otherwise.
 *
 * <p>And the staff's side of consent ({@link Consents}): {@code GET /api/patients/{id}/relatives} and {@code POST
 * /api/patients/{id}/relatives/{relativeId}/consents}, behind the care relation like every patient route.
 */
public final class RelativeRoutes implements ApiRoutes {

    /** One signal's newest reading, as the relative's page shows it: the signal named in both languages. */
    public record Reading(String code, Signal signal, String unit, double value, Instant at) {}

    /**
     * Whom the family calls about the patient: her named care contact and, where one exists, the coordinated
     * individual plan (SIP) with its date and who is responsible for what. Never her own phone or address.
     */
    public record CareContact(
            String name, String role, String phone, String sipUrl, LocalDate sipDate, String sipResponsibilities) {}

    /** What the relative sees. */
    public record View(String patientName, List<Reading> readings, boolean alertOpen, CareContact careContact) {}

    private record Allowed(String patientId, String patientName, boolean alertOpen, CareContact careContact) {}

    private static final String NO_ALARM_CONSENT =
            "Patienten har inte gett samtycke till att du larmar vården härifrån; "
                    + "ring 112 vid fara / The patient has not given consent for you to raise the alarm here; call 112 in an "
                    + "emergency";

    private final Evidence evidence;
    private final WorkerExecutor influxWorker;
    private final RelativeAlarm.Alerts alerts;

    /**
     * @param influxWorker the ingest's InfluxDB worker pool, where the readings are read
     * @param alerts       how the relative's alarm is stored and routed (the alert life cycle)
     */
    public RelativeRoutes(Evidence evidence, WorkerExecutor influxWorker, RelativeAlarm.Alerts alerts) {
        this.evidence = evidence;
        this.influxWorker = influxWorker;
        this.alerts = alerts;
    }

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/relative/patient").handler(ctx -> view(ctx, api));
        // The relative's alarm: its state, and a press. Without ALARM consent 403, logged, nothing changes.
        router.get("/api/relative/alarm").handler(ctx -> {
            Principal who = api.who(ctx);
            if (!who.relative()) {
                api.json(ctx, 403, Map.of("problem", "bara för anhöriga / for relatives only"));
                return;
            }
            api.db()
                    .transaction(c -> RelativeAlarm.status(c, who, api.now()))
                    .onSuccess(status -> status.ifPresentOrElse(
                            s -> api.json(ctx, 200, s), () -> api.json(ctx, 403, Map.of("problem", NO_ALARM_CONSENT))))
                    .onFailure(ctx::fail);
        });
        router.post("/api/relative/alarm").handler(ctx -> {
            Principal who = api.who(ctx);
            if (!who.relative()) {
                api.json(ctx, 403, Map.of("problem", "bara för anhöriga / for relatives only"));
                return;
            }
            RelativeAlarm.Request request = RelativeAlarm.Request.parse(api.body(ctx));
            api.db()
                    .transaction(c -> RelativeAlarm.raise(c, alerts, who, request, api.now()))
                    .onSuccess(raised -> raised.ifPresentOrElse(
                            r -> api.json(ctx, r.added() ? 200 : 201, r),
                            () -> api.json(ctx, 403, Map.of("problem", NO_ALARM_CONSENT))))
                    .onFailure(ctx::fail);
        });
        // The patient's nurse records consent: staff with a care relation, never the operator.
        router.get("/api/patients/:id/relatives")
                .handler(ctx -> api.db()
                        .transaction(c -> Consents.list(c, api.who(ctx), ctx.pathParam("id"), api.now()))
                        .onSuccess(list -> api.json(ctx, 200, list))
                        .onFailure(e -> fail(ctx, api, e)));
        router.post("/api/patients/:id/relatives/:relativeId/consents").handler(ctx -> {
            Principal who = api.who(ctx);
            if (who.operator()) {
                api.json(
                        ctx,
                        403,
                        Map.of(
                                "problem",
                                "bara personal med vårdrelation / only staff with a care "
                                        + "relation can record a relative's consent"));
                return;
            }
            Consents.Change change = Consents.Change.parse(api.body(ctx));
            api.db()
                    .transaction(c -> Consents.change(
                            c, who, ctx.pathParam("id"), ctx.pathParam("relativeId"), change, api.now()))
                    .onSuccess(relative -> api.json(ctx, 200, relative))
                    .onFailure(e -> fail(ctx, api, e));
        });
    }

    /** Another patient's relative, or none, is 404 like a patient without a care relation. */
    private static void fail(RoutingContext ctx, Api api, Throwable e) {
        if (e instanceof Consents.NoSuchRelative) {
            api.json(ctx, 404, Map.of("problem", e.getMessage()));
        } else {
            ctx.fail(e);
        }
    }

    private void view(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        if (!who.relative()) {
            api.json(ctx, 403, Map.of("problem", "bara för anhöriga / for relatives only"));
            return;
        }
        Instant now = api.now();
        api.db()
                .transaction(c -> allowed(c, who, now))
                .compose(allowed -> allowed.isEmpty()
                        ? Future.succeededFuture(Optional.<View>empty())
                        : influxWorker.executeBlocking(
                                () -> Optional.of(new View(
                                        allowed.get().patientName(),
                                        evidence.latest(allowed.get().patientId(), now).stream()
                                                .map(RelativeRoutes::reading)
                                                .toList(),
                                        allowed.get().alertOpen(),
                                        allowed.get().careContact())),
                                false))
                .onSuccess(view -> api.jsonOrNotFound(ctx, view, "inget delat / nothing shared"))
                .onFailure(ctx::fail);
    }

    /** The patient the relative may see now, logged either way. */
    private static Optional<Allowed> allowed(Connection c, Principal who, Instant now) throws SQLException {
        Optional<RelativeConsent.Relative> relative = RelativeConsent.relative(c, who.relativeId());
        if (relative.isEmpty()) {
            AccessLog.record(c, who.actor(), "relative.refused", List.of(), "no such relative");
            return Optional.empty();
        }
        String patientId = relative.get().patientId();
        if (!RelativeConsent.inForce(c, who.relativeId(), patientId, RelativeConsent.Scope.VIEW, now)) {
            AccessLog.record(c, who.actor(), "relative.refused", List.of(patientId), "no VIEW consent in force");
            return Optional.empty();
        }
        AccessLog.record(
                c, who.actor(), "relative.view", List.of(patientId), "latest readings, alert open, care contact");
        CareContact contact = PatientContact.read(c, patientId)
                .filter(p -> p.careContactName() != null || p.careContactPhone() != null || p.sipUrl() != null)
                .map(p -> new CareContact(
                        p.careContactName(),
                        p.careContactRole(),
                        p.careContactPhone(),
                        p.sipUrl(),
                        p.sipDate(),
                        p.sipResponsibilities()))
                .orElse(null);
        try (PreparedStatement q = c.prepareStatement(
                "SELECT p.name, EXISTS (SELECT 1 FROM alert a "
                        + "LEFT JOIN alert_state s ON s.alert_id = a.id WHERE a.patient_id = p.id "
                        + "AND coalesce(s.state, 'OPEN') <> 'RESOLVED' AND a.status <> 'RESOLVED') AS alert_open FROM patient p WHERE p.id = ?")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return Optional.of(new Allowed(patientId, r.getString("name"), r.getBoolean("alert_open"), contact));
            }
        }
    }

    private static Reading reading(Evidence.Latest l) {
        return new Reading(l.code(), Signal.of(l.code()), l.unit(), l.value(), l.at());
    }
}
