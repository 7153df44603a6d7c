package io.nara.ingest.clinic;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.db.Database;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.PostDischarge;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.vocabulary.Vocabulary;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gathers the worklist's signals (PostgreSQL: patients, teams, open alerts, care plans, discharges; InfluxDB: weight
 * and measurements) for the patients the person may see, ranks them ({@link Worklist}) and logs the patients listed.
 */
public final class WorklistService {

    /** What PostgreSQL knows of one visible patient. */
    record Patient(
            String id,
            String name,
            List<String> teams,
            int urgent,
            int warning,
            int info,
            CarePlan plan,
            Instant monitoredSince,
            Instant lastDischarge) {}

    /** The zone of a patient without a plan, and of the clinic's own dates: {@link CarePlan#DEFAULT_ZONE}. */
    public static final ZoneId DEFAULT_ZONE = ZoneId.of(CarePlan.DEFAULT_ZONE);

    private final Database db;
    private final ClinicReadings readings;
    private final WorkerExecutor influxWorker;
    private final MessageCodec codec;
    private final Clock clock;

    public WorklistService(
            Database db, ClinicReadings readings, WorkerExecutor influxWorker, MessageCodec codec, Clock clock) {
        this.db = db;
        this.readings = readings;
        this.influxWorker = influxWorker;
        this.codec = codec;
        this.clock = clock;
    }

    /** The ranked worklist; one access-log entry names exactly the patients in the answer. */
    public Future<List<Worklist.Row>> list(Principal who, String team, Set<Worklist.Filter> filters) {
        Instant now = clock.instant();
        return db.transaction(c -> patients(c, who, now))
                .compose(patients -> influxWorker.executeBlocking(() -> signals(patients, now), false))
                .map(signals -> Worklist.rank(signals, team, filters))
                .compose(rows -> db.transaction(c -> {
                    AccessLog.record(
                            c,
                            who.actor(),
                            "worklist.list",
                            rows.stream().map(r -> r.patient().patientId()).toList(),
                            "team=" + (team == null ? "" : team) + " filter="
                                    + filters.stream()
                                            .map(Worklist.Filter::param)
                                            .sorted()
                                            .toList());
                    return rows;
                }));
    }

    private List<Patient> patients(Connection c, Principal who, Instant now) throws SQLException {
        List<String> ids = CareAccess.visiblePatients(c, who, now);
        Map<String, Patient> byId = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement q = c.prepareStatement("""
                SELECT p.id, p.name,
                  coalesce((SELECT array_agg(DISTINCT r.team_id ORDER BY r.team_id) FROM care_relations_at(?) r
                            WHERE r.patient_id = p.id), '{}') AS teams,
                  count(a.id) FILTER (WHERE a.severity = 'URGENT') AS urgent,
                  count(a.id) FILTER (WHERE a.severity = 'WARNING') AS warning,
                  count(a.id) FILTER (WHERE a.severity = 'INFO') AS info,
                  (SELECT cp.document::text FROM care_plan cp WHERE cp.patient_id = p.id) AS plan,
                  (SELECT cp.since FROM care_plan cp WHERE cp.patient_id = p.id) AS plan_since,
                  (SELECT max(d.discharged_at) FROM admission d WHERE d.patient_id = p.id AND d.discharged_at <= ?)
                    AS discharged_at
                FROM patient p
                LEFT JOIN alert a ON a.patient_id = p.id AND a.status <> 'RESOLVED'
                     AND coalesce((SELECT s.state FROM alert_state s WHERE s.alert_id = a.id), 'OPEN') <> 'RESOLVED'
                WHERE p.id = ANY (?)
                GROUP BY p.id, p.name ORDER BY p.id""")) {
            q.setTimestamp(1, Timestamp.from(now));
            q.setTimestamp(2, Timestamp.from(now));
            q.setArray(3, c.createArrayOf("text", ids.toArray()));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    String doc = r.getString("plan");
                    CarePlan plan =
                            doc == null ? null : codec.decode(doc.getBytes(StandardCharsets.UTF_8), CarePlan.class);
                    Timestamp since = r.getTimestamp("plan_since");
                    Timestamp discharged = r.getTimestamp("discharged_at");
                    byId.put(
                            r.getString("id"),
                            new Patient(
                                    r.getString("id"),
                                    r.getString("name"),
                                    List.of((String[]) r.getArray("teams").getArray()),
                                    r.getInt("urgent"),
                                    r.getInt("warning"),
                                    r.getInt("info"),
                                    plan,
                                    since == null ? null : since.toInstant(),
                                    discharged == null ? null : discharged.toInstant()));
                }
            }
        }
        return new ArrayList<>(byId.values());
    }

    /** Blocking (InfluxDB): the signals of each patient. */
    List<Worklist.Signals> signals(List<Patient> patients, Instant now) {
        List<String> ids = patients.stream().map(Patient::id).toList();
        Map<String, List<WeightTrend.Reading>> weights =
                readings.values(ids, Vocabulary.BODY_WEIGHT.code(), now.minus(Duration.ofDays(14)), now.plusSeconds(1));
        // The 7 whole days before today: today's measurement may still come.
        Instant weekEnd = now.atZone(DEFAULT_ZONE)
                .toLocalDate()
                .atStartOfDay(DEFAULT_ZONE)
                .toInstant();
        Map<String, Map<String, List<Instant>>> measured =
                readings.measuredHours(ids, weekEnd.minus(Duration.ofDays(8)), weekEnd.plus(Duration.ofDays(1)));
        List<Worklist.Signals> out = new ArrayList<>();
        for (Patient p : patients) {
            ZoneId zone = p.plan() == null ? DEFAULT_ZONE : p.plan().zoneId();
            LocalDate today = now.atZone(zone).toLocalDate();
            List<WeightTrend.Reading> w = weights.getOrDefault(p.id(), List.of());
            boolean recent = w.stream().anyMatch(r -> !r.at().isBefore(now.minus(Duration.ofDays(7))));
            Double gain3 = recent ? WeightTrend.gain(w, Duration.ofDays(3)).orElse(null) : null;
            Double gain7 = recent ? WeightTrend.gain(w, Duration.ofDays(7)).orElse(null) : null;
            Adherence.Count week = Adherence.Count.none();
            if (p.plan() != null) {
                Instant to = today.atStartOfDay(zone).toInstant();
                Instant from = today.minusDays(7).atStartOfDay(zone).toInstant();
                week = Adherence.ofPlan(
                        p.plan(), from, to, p.monitoredSince(), measured.getOrDefault(p.id(), Map.of()));
            }
            Worklist.Discharge d = Worklist.discharge(
                    p.plan() == null ? null : p.plan().postDischarge(),
                    p.lastDischarge() == null
                            ? null
                            : p.lastDischarge().atZone(zone).toLocalDate(),
                    today,
                    zone);
            out.add(new Worklist.Signals(
                    p.id(),
                    p.name(),
                    p.teams(),
                    p.urgent(),
                    p.warning(),
                    p.info(),
                    gain3,
                    gain7,
                    week,
                    d == null ? null : d.day(),
                    d == null ? PostDischarge.DEFAULT_DAYS : d.periodDays(),
                    d != null && d.planHasPeriod()));
        }
        return out;
    }

    static Map<String, Object> json(Worklist.Row row) {
        Map<String, Object> out = new LinkedHashMap<>();
        Worklist.Signals p = row.patient();
        out.put("patientId", p.patientId());
        out.put("name", p.name());
        out.put("teams", p.teams());
        out.put("score", row.score());
        out.put("reasons", row.reasons());
        Map<String, Object> alerts = new HashMap<>();
        alerts.put("urgent", p.urgentAlerts());
        alerts.put("warning", p.warningAlerts());
        alerts.put("info", p.infoAlerts());
        out.put("openAlerts", alerts);
        out.put("weightGain3d", p.weightGain3d());
        out.put("weightGain7d", p.weightGain7d());
        out.put("measurementsExpected", p.lastWeek().expected());
        out.put("measurementsTaken", p.lastWeek().taken());
        out.put("dischargeDay", p.dischargeDay());
        out.put("postDischarge", p.dischargeDay() != null && p.dischargeDay() <= p.postDischargeDays());
        return out;
    }
}
