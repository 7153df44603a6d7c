package io.nara.ingest.patient;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.clinic.Adherence;
import io.nara.ingest.clinic.ClinicReadings;
import io.nara.ingest.clinic.Worklist;
import io.nara.ingest.clinic.WorklistService;
import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.ObservationQueries;
import io.nara.ingest.web.ApiRoutes;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ExpectedMeasurement;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The patient page's API:
 * <ul>
 *   <li>{@code GET /api/patients/{id}/overview}: name, the day of the post-discharge period (the plan's or a discharge
 *       the team entered, as the worklist counts it: {@link Worklist#discharge}), hub and devices (battery, newest
 *       reading), adherence to the plan's expected measurements over the 7 whole days before today (as the worklist
 *       counts it: {@link Adherence}), open alerts, and whether the caller may edit the care plan (a doctor of a
 *       caring team);</li>
 *   <li>{@code GET /api/patients/{id}/trends?range=7d|30d|90d|discharge}: per signal the readings downsampled in
 *       InfluxDB ({@link TrendRange}), the plan's thresholds ({@link Thresholds}), and the alerts with their outcomes
 *       as timeline marks.</li>
 * </ul>
 * Each call checks the care relation first (none: 404, not even the name), as the worklist does: reads PostgreSQL in
 * one transaction, InfluxDB on the InfluxDB worker pool (no connection held while it answers), then writes exactly one
 * access-log entry in a second short transaction. A refused or failed call logs nothing.
 */
public final class PatientRoutes implements ApiRoutes {

    /** The order signals appear on the page; others follow by code. */
    public static final List<String> SIGNAL_ORDER = List.of(
            Vocabulary.BODY_WEIGHT.code(),
            Vocabulary.SYSTOLIC.code(),
            Vocabulary.DIASTOLIC.code(),
            Vocabulary.HEART_RATE.code(),
            Vocabulary.SPO2.code(),
            Vocabulary.BODY_TEMPERATURE.code());

    /** The node's shared worker pool for InfluxDB (IngestService creates it; the same name shares it). */

    /**
     * What the page's header and status panels show. {@code day} of {@code periodDays} while in a post-discharge
     * period (else null), {@code dischargedOn} its local start date and {@code dischargeStart} that date's local
     * midnight (the chart's marker).
     */
    public record Overview(
            String patientId,
            String name,
            LocalDate dischargedOn,
            Instant dischargeStart,
            Integer day,
            Integer periodDays,
            Integer carePlanVersion,
            boolean mayEditCarePlan,
            Set<String> roles,
            PatientRecords.Hub hub,
            List<PatientRecords.Device> devices,
            List<Measured> adherence,
            List<PatientRecords.Mark> openAlerts,
            Instant at) {}

    /**
     * Of one expected measurement, how many of the slots in [from, to) were expected and taken.
     *
     * @param name the signal's name in Swedish and English, from the protocol's vocabulary
     */
    public record Measured(
            String code,
            String display,
            io.nara.ingest.web.Signal name,
            Duration every,
            LocalTime by,
            Instant from,
            Instant to,
            int expected,
            int taken) {}

    /** One signal's chart; {@code name} in Swedish and English, from the protocol's vocabulary. */
    public record Signal(
            String code,
            String display,
            io.nara.ingest.web.Signal name,
            String unit,
            List<ObservationQueries.TrendPoint> points,
            List<Thresholds.Threshold> thresholds) {}

    /** The charts of one range. */
    public record Trends(
            String patientId,
            String range,
            Instant from,
            Instant to,
            long bucketSeconds,
            Integer carePlanVersion,
            List<Signal> signals,
            List<PatientRecords.Mark> marks) {}

    /** What PostgreSQL knows for the overview. */
    private record Records(
            String name,
            Set<String> roles,
            Optional<CarePlanService.PlanVersion> plan,
            Instant monitoredSince,
            Instant lastDischarge,
            PatientRecords.Hub hub,
            List<PatientRecords.Device> devices,
            List<PatientRecords.Mark> openAlerts) {}

    /** What PostgreSQL knows for the trends. */
    private record TrendRecords(
            Optional<CarePlanService.PlanVersion> plan,
            ZoneId zone,
            TrendRange range,
            List<PatientRecords.Mark> marks) {}

    private final ObservationQueries readings;
    private final ClinicReadings clinicReadings;
    private final CarePlanService plans;
    private final WorkerExecutor influxWorker;

    private static final Comparator<String> SIGNAL_FIRST = Comparator.comparingInt(
                    (String code) -> SIGNAL_ORDER.contains(code) ? SIGNAL_ORDER.indexOf(code) : SIGNAL_ORDER.size())
            .thenComparing(Comparator.naturalOrder());

    /**
     * @param influx       the node's InfluxDB client, which its owner closes
     * @param influxWorker the node's pool for InfluxDB reads (never the event loop)
     */
    public PatientRoutes(
            InfluxDatabase influx, ClinicReadings clinicReadings, CarePlanService plans, WorkerExecutor influxWorker) {
        this.readings = new ObservationQueries(influx);
        this.clinicReadings = clinicReadings;
        this.plans = plans;
        this.influxWorker = influxWorker;
    }

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/patients/:id/overview").handler(ctx -> overview(ctx, api));
        router.get("/api/patients/:id/trends").handler(ctx -> trends(ctx, api));
    }

    /** The caller's roles with the patient; without any (operator, journal client), the care relation is checked. */
    private static Set<String> access(Connection c, Principal who, String patientId, Instant now) throws SQLException {
        Set<String> roles = CareAccess.roles(c, who, patientId, now);
        if (roles.isEmpty()) {
            CareAccess.requireCareRelation(c, who, patientId, now);
        }
        return roles;
    }

    private void overview(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patientId = ctx.pathParam("id");
        Instant now = api.now();
        api.db()
                .transaction(c -> {
                    Set<String> roles = access(c, who, patientId, now);
                    Optional<CarePlanService.PlanVersion> plan = plans.current(c, patientId);
                    PatientRecords.Hub hub = plan.isEmpty()
                            ? null
                            : PatientRecords.hub(c, plan.get().hubId()).orElse(null);
                    List<PatientRecords.Device> devices = plan.isEmpty()
                            ? List.of()
                            : PatientRecords.devices(c, patientId, plan.get().hubId());
                    return new Records(
                            PatientRecords.name(c, patientId),
                            roles,
                            plan,
                            PatientRecords.monitoredSince(c, patientId),
                            PatientRecords.lastDischarge(c, patientId, now),
                            hub,
                            devices,
                            PatientRecords.openAlerts(c, patientId));
                })
                .compose(r -> influxWorker.executeBlocking(() -> overview(patientId, r, now), false))
                .compose(o -> api.db().transaction(c -> {
                    AccessLog.record(c, who.actor(), "patient.overview", List.of(patientId), "overview");
                    return o;
                }))
                .onSuccess(o -> api.json(ctx, 200, o))
                .onFailure(ctx::fail);
    }

    /** Blocking (InfluxDB): the overview with adherence counted as the worklist counts it. */
    private Overview overview(String patientId, Records r, Instant now) {
        CarePlan plan = r.plan().map(CarePlanService.PlanVersion::plan).orElse(null);
        ZoneId zone = plan == null ? WorklistService.DEFAULT_ZONE : plan.zoneId();
        LocalDate today = now.atZone(zone).toLocalDate();
        List<Measured> adherence = new ArrayList<>();
        if (plan != null && !plan.expected().isEmpty()) {
            // The 7 whole days before today: today's measurement may still come.
            Instant from = today.minusDays(7).atStartOfDay(zone).toInstant();
            Instant to = today.atStartOfDay(zone).toInstant();
            Map<String, List<Instant>> measured =
                    clinicReadings.measuredHours(List.of(patientId), from, to).getOrDefault(patientId, Map.of());
            for (ExpectedMeasurement e : plan.expected()) {
                Adherence.Count n = Adherence.count(
                        from, to, e.every(), r.monitoredSince(), measured.getOrDefault(e.code(), List.of()));
                adherence.add(new Measured(
                        e.code(),
                        display(e.code()),
                        io.nara.ingest.web.Signal.of(e.code()),
                        e.every(),
                        e.by(),
                        from,
                        to,
                        n.expected(),
                        n.taken()));
            }
        }
        Worklist.Discharge d = discharge(plan, r.lastDischarge(), today, zone);
        boolean inPeriod = d != null && d.day() <= d.periodDays();
        LocalDate dischargedOn = inPeriod ? today.minusDays(d.day() - 1L) : null;
        return new Overview(
                patientId,
                r.name(),
                dischargedOn,
                inPeriod ? dischargedOn.atStartOfDay(zone).toInstant() : null,
                inPeriod ? d.day() : null,
                inPeriod ? d.periodDays() : null,
                r.plan().map(CarePlanService.PlanVersion::version).orElse(null),
                r.roles().contains("DOCTOR"),
                r.roles(),
                r.hub(),
                r.devices(),
                adherence,
                r.openAlerts(),
                now);
    }

    /** The latest discharge as the worklist sees it: the plan's period or a discharge the team entered. */
    private static Worklist.Discharge discharge(CarePlan plan, Instant lastDischarge, LocalDate today, ZoneId zone) {
        return Worklist.discharge(
                plan == null ? null : plan.postDischarge(),
                lastDischarge == null ? null : lastDischarge.atZone(zone).toLocalDate(),
                today,
                zone);
    }

    private void trends(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patientId = ctx.pathParam("id");
        String rangeName = ctx.queryParams().get("range");
        Instant now = api.now();
        api.db()
                .transaction(c -> {
                    access(c, who, patientId, now);
                    Optional<CarePlanService.PlanVersion> plan = plans.current(c, patientId);
                    CarePlan current =
                            plan.map(CarePlanService.PlanVersion::plan).orElse(null);
                    ZoneId zone = current == null ? WorklistService.DEFAULT_ZONE : current.zoneId();
                    LocalDate today = now.atZone(zone).toLocalDate();
                    Worklist.Discharge d =
                            discharge(current, PatientRecords.lastDischarge(c, patientId, now), today, zone);
                    Optional<LocalDate> discharge = Optional.ofNullable(d).map(x -> today.minusDays(x.day() - 1L));
                    TrendRange range = TrendRange.parse(rangeName, now, discharge, zone);
                    return new TrendRecords(
                            plan, zone, range, PatientRecords.timeline(c, patientId, range.from(), range.to()));
                })
                .compose(r -> influxWorker.executeBlocking(() -> trends(patientId, r, now), false))
                .compose(t -> api.db().transaction(c -> {
                    AccessLog.record(c, who.actor(), "patient.trends", List.of(patientId), "range=" + t.range());
                    return t;
                }))
                .onSuccess(t -> api.json(ctx, 200, t))
                .onFailure(ctx::fail);
    }

    /** Blocking (InfluxDB): the charts of the range. */
    private Trends trends(String patientId, TrendRecords r, Instant now) {
        Optional<CarePlanService.PlanVersion> plan = r.plan();
        Map<String, List<Thresholds.Threshold>> lines =
                plan.map(p -> Thresholds.byCode(p.plan(), now)).orElse(Map.of());
        Map<String, List<ObservationQueries.TrendPoint>> points = readings.trends(
                patientId, r.range().from(), r.range().to(), r.range().influxBucket(), r.zone());
        Set<String> codes = new LinkedHashSet<>(points.keySet());
        codes.addAll(lines.keySet());
        plan.ifPresent(p -> p.plan().expected().forEach(e -> codes.add(e.code())));
        List<Signal> signals = codes.stream()
                .sorted(SIGNAL_FIRST)
                .map(code -> new Signal(
                        code,
                        display(code),
                        io.nara.ingest.web.Signal.of(code),
                        Vocabulary.byCode(code).map(ClinicalCode::ucum).orElse(null),
                        points.getOrDefault(code, List.of()),
                        lines.getOrDefault(code, List.of())))
                .toList();
        TrendRange range = r.range();
        return new Trends(
                patientId,
                range.name(),
                range.from(),
                range.to(),
                range.bucket().toSeconds(),
                plan.map(CarePlanService.PlanVersion::version).orElse(null),
                signals,
                r.marks());
    }

    private static String display(String code) {
        return Vocabulary.byCode(code).map(ClinicalCode::display).orElse(code);
    }
}
