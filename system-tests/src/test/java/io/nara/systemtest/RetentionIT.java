package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.ingest.alerting.AlertingSettings;
import io.nara.protocol.message.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL retention with the clock moved: expired sessions, old refused payloads, delivered notifications and the
 * access log past its (legal) period are deleted, and nothing else: not a newer row of the same tables, not a dead
 * notification the operator must see, not the journal (patients, alerts and their trails).
 */
class RetentionIT {

    private static final Instant NOW = Alerting.TUESDAY_NOON;

    @Test
    void whatHasExpiredIsDeletedAndNothingElse() throws Exception {
        DevStack stack = DevStack.ensureUp();
        MutableClock clock = new MutableClock(NOW);
        try (Services.Ingest ingest =
                        Alerting.startIngest(stack, clock, AlertingSettings.defaults(), Alerting.organisation());
                TestMqttClient hub = new TestMqttClient(stack, "hub-it-retention", "hub-it-retention")) {
            HomeEnrolment.enrol(ingest, "hub-it-retention", HomeEnrolment.household(Alerting.PATIENT));
            long alert = Alerting.raise(
                    ingest,
                    hub,
                    "hub-it-retention",
                    Alerting.alert(1, Severity.URGENT, null, null, NOW.minusSeconds(60)));
            long event = (Long) Alerting.rows(ingest, "SELECT min(id) FROM alert_event WHERE alert_id = " + alert)
                    .get(0)
                    .get(0);
            try (Connection c = Alerting.db(ingest)) {
                session(c, "old-session", NOW.minus(Duration.ofDays(40)));
                session(c, "live-session", NOW.plus(Duration.ofDays(1)));
                rejected(c, "old", NOW.minus(Duration.ofDays(200)));
                rejected(c, "recent", NOW.minus(Duration.ofDays(10)));
                notification(c, alert, event, "delivered-old", "DELIVERED", NOW.minus(Duration.ofDays(100)));
                notification(c, alert, event, "delivered-recent", "DELIVERED", NOW.minus(Duration.ofDays(10)));
                notification(c, alert, event, "dead-old", "DEAD", NOW.minus(Duration.ofDays(400)));
                accessLog(c, "read-11-years-ago", NOW.minus(Duration.ofDays(11 * 365)));
                accessLog(c, "read-9-years-ago", NOW.minus(Duration.ofDays(9 * 365)));
            }
            long alerts = count(ingest, "alert");
            long trail = count(ingest, "alert_event");
            long patients = count(ingest, "patient");

            Map<String, Integer> first = run(ingest);
            assertThat(first)
                    .containsEntry("web_session", 1)
                    .containsEntry("rejected_message", 1)
                    .containsEntry("notification", 1)
                    .containsEntry("access_log", 1);
            assertThat(texts(ingest, "SELECT encode(token_sha256, 'escape') FROM web_session ORDER BY 1"))
                    .containsExactly("live-session");
            assertThat(texts(ingest, "SELECT problem FROM rejected_message")).containsExactly("recent");
            assertThat(texts(ingest, "SELECT target FROM notification ORDER BY target"))
                    .containsExactly("dead-old", "delivered-recent");
            assertThat(texts(ingest, "SELECT action FROM access_log WHERE action LIKE 'read-%'"))
                    .containsExactly("read-9-years-ago");

            // 100 days on: the live session expired 99 days ago, the recent notification is 110 days old; the
            // refused payload (110 days) and the access log (9 years and 100 days) are still within their periods.
            clock.advance(Duration.ofDays(100));
            Map<String, Integer> second = run(ingest);
            assertThat(second)
                    .containsEntry("web_session", 1)
                    .containsEntry("rejected_message", 0)
                    .containsEntry("notification", 1)
                    .containsEntry("access_log", 0);
            assertThat(texts(ingest, "SELECT target FROM notification")).containsExactly("dead-old");
            assertThat(texts(ingest, "SELECT problem FROM rejected_message")).containsExactly("recent");
            assertThat(count(ingest, "alert")).isEqualTo(alerts);
            assertThat(count(ingest, "alert_event")).isEqualTo(trail);
            assertThat(count(ingest, "patient")).isEqualTo(patients);
        }
    }

    private static Map<String, Integer> run(Services.Ingest ingest) throws Exception {
        return ingest.service()
                .retention()
                .run()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    private static void session(Connection c, String token, Instant expires) throws Exception {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO web_session (token_sha256, person_id, csrf_token, "
                + "created_at, expires_at) VALUES (convert_to(?, 'UTF8'), 'anna', 'x', ?, ?)")) {
            s.setString(1, token);
            s.setTimestamp(2, Timestamp.from(expires.minus(Duration.ofHours(12))));
            s.setTimestamp(3, Timestamp.from(expires));
            s.executeUpdate();
        }
    }

    private static void rejected(Connection c, String problem, Instant lastSeen) throws Exception {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO rejected_message (hub_id, topic, problem, payload, "
                + "payload_sha256, first_seen, last_seen) VALUES ('hub-x', 'nara/v1/hub/hub-x/obs', ?, "
                + "convert_to(?, 'UTF8'), sha256(convert_to(?, 'UTF8')), ?, ?)")) {
            s.setString(1, problem);
            s.setString(2, problem);
            s.setString(3, problem);
            s.setTimestamp(4, Timestamp.from(lastSeen));
            s.setTimestamp(5, Timestamp.from(lastSeen));
            s.executeUpdate();
        }
    }

    private static void notification(Connection c, long alert, long event, String target, String state, Instant at)
            throws Exception {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO notification (alert_id, event_id, channel, target, "
                        + "body, state, next_attempt_at, created_at, delivered_at) VALUES (?, ?, 'WEBHOOK', ?, '{}', ?, ?, ?, ?)")) {
            s.setLong(1, alert);
            s.setLong(2, event);
            s.setString(3, target);
            s.setString(4, state);
            s.setTimestamp(5, Timestamp.from(at));
            s.setTimestamp(6, Timestamp.from(at.minusSeconds(5)));
            s.setTimestamp(7, "DELIVERED".equals(state) ? Timestamp.from(at) : null);
            s.executeUpdate();
        }
    }

    private static void accessLog(Connection c, String action, Instant at) throws Exception {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO access_log (at, actor, action, patient_ids) "
                + "VALUES (?, 'person:anna', ?, ARRAY['" + Alerting.PATIENT + "'])")) {
            s.setTimestamp(1, Timestamp.from(at));
            s.setString(2, action);
            s.executeUpdate();
        }
    }

    private static long count(Services.Ingest ingest, String table) throws Exception {
        return (Long)
                Alerting.rows(ingest, "SELECT count(*) FROM " + table).get(0).get(0);
    }

    private static List<Object> texts(Services.Ingest ingest, String sql) throws Exception {
        return Alerting.rows(ingest, sql).stream().map(r -> r.get(0)).toList();
    }
}
