package io.nara.ingest.careplan;

import io.nara.ingest.alerting.AlertStore;
import io.nara.ingest.db.Database;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.Rule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Severity;
import io.nara.rules.silence.SilenceEvaluator;
import io.nara.rules.silence.SilenceFacts;
import io.nara.rules.silence.SilenceFinding;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud's rules for silence, run periodically on every ingest node: for each patient with a care plan, the
 * {@link SilenceEvaluator} says which rules hold; a rule that starts to hold is stored as a RAISED alert (origin
 * CLOUD), one that stops as RESOLVED. The alert's identity (patient, rule, episode, status) is unique, so when several
 * nodes look at the same silence exactly one stores it, and only that one routes it: through
 * {@link AlertStore#routeAndNotify}, in the storing transaction, exactly as a hub's alert (routed and escalated;
 * a RESOLVED alert pages nobody and closes the episode's open alert).
 */
public final class SilenceWatch {

    private static final Logger LOG = LoggerFactory.getLogger(SilenceWatch.class);

    private final Database db;
    private final CarePlanService plans;
    private final AlertStore alerts;
    private final Clock clock;
    private final SilenceEvaluator evaluator = new SilenceEvaluator();
    /** One codec for every round: a new one per hub rebuilt Jackson's type caches each time (seconds per round). */
    private final MessageCodec codec = new MessageCodec();

    public SilenceWatch(Database db, CarePlanService plans, AlertStore alerts, Clock clock) {
        this.db = db;
        this.plans = plans;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** One pass over every patient; completes with the number of alerts stored. */
    public Future<Integer> check() {
        Instant now = clock.instant();
        return db.transaction(c -> {
            int stored = 0;
            for (PatientRow p : patients(c)) {
                stored += checkPatient(c, p, now);
            }
            return stored;
        });
    }

    private record PatientRow(
            String patientId,
            String hubId,
            CarePlan plan,
            Instant since,
            Instant hubLastSeen,
            boolean hubOffline,
            List<DeviceBinding> devices) {}

    private List<PatientRow> patients(Connection c) throws SQLException {
        List<PatientRow> rows = new ArrayList<>();
        Map<String, List<DeviceBinding>> devicesByHub = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT p.patient_id, p.hub_id, p.document::text AS document, p.since, h.last_seen_at, h.state
                FROM care_plan p LEFT JOIN hub h ON h.hub_id = p.hub_id ORDER BY p.patient_id""");
                ResultSet r = q.executeQuery()) {
            while (r.next()) {
                String hubId = r.getString("hub_id");
                Timestamp seen = r.getTimestamp("last_seen_at");
                rows.add(new PatientRow(
                        r.getString("patient_id"),
                        hubId,
                        plans.decodePlan(r.getString("document")),
                        r.getTimestamp("since").toInstant(),
                        seen == null ? null : seen.toInstant(),
                        "OFFLINE".equals(r.getString("state")),
                        List.of()));
            }
        }
        List<PatientRow> withDevices = new ArrayList<>();
        for (PatientRow p : rows) {
            List<DeviceBinding> devices = devicesByHub.computeIfAbsent(p.hubId(), hub -> {
                try {
                    return configDevices(c, hub);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            List<DeviceBinding> mine = devices.stream()
                    .filter(d -> p.patientId().equals(d.patientId())
                            || d.users().stream().anyMatch(u -> u.patientId().equals(p.patientId())))
                    .toList();
            withDevices.add(new PatientRow(
                    p.patientId(), p.hubId(), p.plan(), p.since(), p.hubLastSeen(), p.hubOffline(), mine));
        }
        return withDevices;
    }

    private List<DeviceBinding> configDevices(Connection c, String hubId) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT devices::text AS devices FROM hub_config WHERE hub_id = ?")) {
            q.setString(1, hubId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return List.of();
                }
                String wrapped = "{\"v\":1,\"version\":1,\"devices\":" + r.getString("devices") + "}";
                return codec.decode(wrapped.getBytes(StandardCharsets.UTF_8), HubConfig.class)
                        .devices();
            }
        }
    }

    private int checkPatient(Connection c, PatientRow p, Instant now) throws SQLException {
        Map<String, Instant> lastByCode = new HashMap<>();
        Map<String, Instant> lastByDevice = new HashMap<>();
        try (PreparedStatement q =
                c.prepareStatement("SELECT code, device_id, at FROM latest_reading WHERE patient_id = ?")) {
            q.setString(1, p.patientId());
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Instant at = r.getTimestamp("at").toInstant();
                    lastByCode.merge(r.getString("code"), at, (a, b) -> a.isAfter(b) ? a : b);
                    lastByDevice.merge(r.getString("device_id"), at, (a, b) -> a.isAfter(b) ? a : b);
                }
            }
        }
        Map<String, DeviceBatteries.Level> batteries = DeviceBatteries.of(c, p.hubId());
        List<SilenceFacts.DeviceFacts> devices = p.devices().stream()
                .map(d -> {
                    DeviceBatteries.Level battery = batteries.get(d.deviceId());
                    return new SilenceFacts.DeviceFacts(
                            d.deviceId(),
                            lastByDevice.get(d.deviceId()),
                            battery == null ? null : battery.percent(),
                            battery == null ? null : battery.since());
                })
                .toList();
        SilenceFacts facts =
                new SilenceFacts(p.plan(), p.since(), p.hubLastSeen(), p.hubOffline(), lastByCode, devices);
        Map<String, SilenceFinding> holding = new LinkedHashMap<>();
        for (SilenceFinding f : evaluator.evaluate(facts, now)) {
            holding.put(key(f.episodeId()), f);
        }
        Map<String, OpenEpisode> open = openEpisodes(c, p.patientId());
        int stored = 0;
        for (Map.Entry<String, SilenceFinding> e : holding.entrySet()) {
            if (!open.containsKey(e.getKey())) {
                SilenceFinding f = e.getValue();
                stored += insert(
                                        c,
                                        p,
                                        f.rule(),
                                        f.rule().id(),
                                        f.rule().severity(),
                                        f.message(),
                                        f.episodeId(),
                                        AlertStatus.RAISED,
                                        now)
                                .isPresent()
                        ? 1
                        : 0;
            }
        }
        for (Map.Entry<String, OpenEpisode> e : open.entrySet()) {
            if (!holding.containsKey(e.getKey())) {
                OpenEpisode o = e.getValue();
                stored += insert(
                                        c,
                                        p,
                                        ruleOf(p.plan(), o.ruleId()),
                                        o.ruleId(),
                                        Severity.INFO,
                                        "Åter normalt / Back to normal: " + o.message(),
                                        o.episode(),
                                        AlertStatus.RESOLVED,
                                        now)
                                .isPresent()
                        ? 1
                        : 0;
            }
        }
        return stored;
    }

    private record OpenEpisode(String ruleId, String episode, String message) {}

    /** The rule (and device) part of an episode id: "hub-offline@2026-..." → "hub-offline". */
    private static String key(String episodeId) {
        int at = episodeId.lastIndexOf('@');
        return at < 0 ? episodeId : episodeId.substring(0, at);
    }

    private Map<String, OpenEpisode> openEpisodes(Connection c, String patientId) throws SQLException {
        Map<String, OpenEpisode> open = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT a.rule_id, a.episode, a.message FROM alert a
                WHERE a.origin = 'CLOUD' AND a.patient_id = ? AND a.status = 'RAISED'
                  AND NOT EXISTS (SELECT 1 FROM alert r WHERE r.origin = 'CLOUD' AND r.patient_id = a.patient_id
                                  AND r.episode = a.episode AND r.status = 'RESOLVED')""")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    open.put(
                            key(r.getString("episode")),
                            new OpenEpisode(r.getString("rule_id"), r.getString("episode"), r.getString("message")));
                }
            }
        }
        return open;
    }

    /** The plan's rule with this id; the default hub-offline rule; null when the rule was removed from the plan. */
    private static Rule ruleOf(CarePlan plan, String ruleId) {
        return plan.allRules().stream()
                .filter(r -> r.id().equals(ruleId))
                .findFirst()
                .orElse(
                        SilenceEvaluator.DEFAULT_HUB_OFFLINE.id().equals(ruleId)
                                ? SilenceEvaluator.DEFAULT_HUB_OFFLINE
                                : null);
    }

    private Optional<Long> insert(
            Connection c,
            PatientRow p,
            Rule rule,
            String ruleId,
            Severity severity,
            String message,
            String episode,
            AlertStatus status,
            Instant now)
            throws SQLException {
        // The rule's respondFirst and escalateAfter steer routing and escalation as for a hub's alert; RESOLVED
        // carries neither (it pages nobody).
        boolean raised = status != AlertStatus.RESOLVED;
        Optional<Long> id = alerts.storeCloud(
                c,
                p.hubId(),
                new Alert(
                        1,
                        p.patientId(),
                        ruleId,
                        severity,
                        null,
                        null,
                        null,
                        message,
                        now,
                        0,
                        p.plan().version(),
                        rule == null ? null : rule.respondFirst(),
                        raised && rule != null ? rule.escalateAfter() : null,
                        status,
                        episode));
        id.ifPresent(stored -> LOG.info(
                "cloud alert {} for patient {}: {} {} ({})",
                stored,
                p.patientId(),
                status,
                ruleId,
                rule == null ? "rule removed" : rule.severity()));
        return id;
    }
}
