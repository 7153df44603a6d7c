package io.nara.ingest.patient;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.clinic.WorklistService;
import io.nara.ingest.inbox.Principal;
import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.web.ApiRoutes;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ExpectedMeasurement;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The patient page's API (issue 8):
 * <ul>
 *   <li>{@code GET /api/patients/{id}/overview}: name, discharge date while in a post-discharge period, hub and
 *       devices (battery, newest reading), adherence to the plan's expected measurements, open alerts, and whether
 *       the caller may edit the care plan (a doctor of a caring team);</li>
 *   <li>{@code GET /api/patients/{id}/trends?range=7d|30d|90d|discharge}: per signal the readings downsampled in
 *       InfluxDB ({@link TrendRange}), the plan's thresholds ({@link Thresholds}), and the alerts with their outcomes
 *       as timeline marks.</li>
 * </ul>
 * Each call checks the care relation first (none: 404, not even the name) and writes one access-log entry, in the
 * transaction that reads PostgreSQL. InfluxDB is read inside that transaction too, on its worker thread (never the
 * event loop): a failed read rolls the entry back, so the log holds reads that happened.
 */
public final class PatientRoutes implements ApiRoutes {

    /** The order signals appear on the page; others follow by code. */
    static final List<String> SIGNAL_ORDER = List.of(Vocabulary.BODY_WEIGHT.loinc(), Vocabulary.SYSTOLIC.loinc(),
            Vocabulary.DIASTOLIC.loinc(), Vocabulary.HEART_RATE.loinc(), Vocabulary.SPO2.loinc(),
            Vocabulary.BODY_TEMPERATURE.loinc());

    /** What the page's header and status panels show. */
    public record Overview(String patientId, String name, LocalDate dischargedOn, Instant dischargeStart,
                           Integer dischargeDays,
                           Integer carePlanVersion, boolean mayEditCarePlan, Set<String> roles,
                           PatientRecords.Hub hub, List<PatientRecords.Device> devices,
                           List<AdherenceWindow.Adherence> adherence, List<PatientRecords.Mark> openAlerts,
                           Instant at) {
    }

    /** One signal's chart. */
    public record Signal(String code, String display, String unit, List<PatientReadings.TrendPoint> points,
                         List<Thresholds.Threshold> thresholds) {
    }

    /** The charts of one range. */
    public record Trends(String patientId, String range, Instant from, Instant to, long bucketSeconds,
                         Integer carePlanVersion, List<Signal> signals, List<PatientRecords.Mark> marks) {
    }

    private final PatientReadings readings;

    /** @param influx the node's InfluxDB client, which its owner closes */
    public PatientRoutes(InfluxDatabase influx) {
        this.readings = new PatientReadings(influx);
    }

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/patients/:id/overview").handler(ctx -> overview(ctx, api));
        router.get("/api/patients/:id/trends").handler(ctx -> trends(ctx, api));
    }

    private void overview(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patientId = ctx.pathParam("id");
        Instant now = api.now();
        api.db().transaction(c -> {
            CareAccess.requireCareRelation(c, who, patientId, now);
            Set<String> roles = CareAccess.roles(c, who, patientId, now);
            Optional<PatientRecords.Plan> plan = PatientRecords.plan(c, api.codec(), patientId);
            PatientRecords.Hub hub = plan.isEmpty() ? null : PatientRecords.hub(c, plan.get().hubId()).orElse(null);
            List<PatientRecords.Device> devices = plan.isEmpty() ? List.of()
                    : PatientRecords.devices(c, patientId, plan.get().hubId());
            List<AdherenceWindow> windows = new ArrayList<>();
            for (ExpectedMeasurement e : plan.map(p -> p.plan().expected()).orElse(List.of())) {
                windows.add(AdherenceWindow.of(e, now));
            }
            List<Long> taken = readings.periodsWithReadings(patientId, windows);
            List<AdherenceWindow.Adherence> adherence = new ArrayList<>();
            for (int i = 0; i < windows.size(); i++) {
                adherence.add(windows.get(i).result(display(windows.get(i).code()), taken.get(i)));
            }
            CarePlan current = plan.map(PatientRecords.Plan::plan).orElse(null);
            boolean discharged = current != null && current.inPostDischarge(now);
            Overview overview = new Overview(patientId, PatientRecords.name(c, patientId),
                    discharged ? current.postDischarge().start() : null,
                    discharged ? current.postDischarge().start().atStartOfDay(current.zoneId()).toInstant() : null,
                    discharged ? current.postDischarge().days() : null,
                    plan.map(PatientRecords.Plan::version).orElse(null), roles.contains("DOCTOR"), roles,
                    hub, devices, adherence, PatientRecords.openAlerts(c, patientId), now);
            AccessLog.record(c, who.actor(), "patient.overview", List.of(patientId), "overview");
            return overview;
        }).onSuccess(o -> api.json(ctx, 200, o)).onFailure(ctx::fail);
    }

    private void trends(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patientId = ctx.pathParam("id");
        String rangeName = ctx.queryParams().get("range");
        Instant now = api.now();
        api.db().transaction(c -> {
            CareAccess.requireCareRelation(c, who, patientId, now);
            Optional<PatientRecords.Plan> plan = PatientRecords.plan(c, api.codec(), patientId);
            ZoneId zone = plan.map(p -> p.plan().zoneId()).orElse(WorklistService.DEFAULT_ZONE);
            Optional<LocalDate> discharge = plan.map(p -> p.plan().postDischarge()).map(d -> d.start());
            TrendRange range = TrendRange.parse(rangeName, now, discharge, zone);
            Map<String, List<Thresholds.Threshold>> lines = plan.map(p -> Thresholds.byCode(p.plan(), now))
                    .orElse(Map.of());
            Map<String, List<PatientReadings.TrendPoint>> points = readings.trends(patientId, range, zone);
            Set<String> codes = new LinkedHashSet<>(points.keySet());
            codes.addAll(lines.keySet());
            plan.ifPresent(p -> p.plan().expected().forEach(e -> codes.add(e.code())));
            List<Signal> signals = codes.stream().sorted(SIGNAL_FIRST).map(code -> new Signal(code, display(code),
                    Vocabulary.byLoinc(code).map(ClinicalCode::ucum).orElse(null),
                    points.getOrDefault(code, List.of()), lines.getOrDefault(code, List.of()))).toList();
            Trends trends = new Trends(patientId, range.name(), range.from(), range.to(), range.bucket().toSeconds(),
                    plan.map(PatientRecords.Plan::version).orElse(null), signals,
                    PatientRecords.timeline(c, patientId, range.from(), range.to()));
            AccessLog.record(c, who.actor(), "patient.trends", List.of(patientId), "range=" + range.name());
            return trends;
        }).onSuccess(t -> api.json(ctx, 200, t)).onFailure(ctx::fail);
    }

    private static final Comparator<String> SIGNAL_FIRST = Comparator
            .comparingInt((String code) -> SIGNAL_ORDER.contains(code) ? SIGNAL_ORDER.indexOf(code) : SIGNAL_ORDER.size())
            .thenComparing(Comparator.naturalOrder());

    private static String display(String code) {
        return Vocabulary.byLoinc(code).map(ClinicalCode::display).orElse(code);
    }
}
