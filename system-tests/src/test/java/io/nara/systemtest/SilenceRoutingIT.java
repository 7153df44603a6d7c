package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.ingest.alerting.AlertingSettings;
import io.nara.protocol.HubTopic;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.HubOfflineRule;
import io.nara.protocol.careplan.LowBatteryRule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubStatus;
import io.nara.protocol.message.Severity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cloud's own alerts (hub offline, low battery) are routed, escalated and closed like a hub's: stored and routed
 * exactly once while two ingest nodes look, to the nurse on duty, escalating when nobody acknowledges, and a
 * RESOLVED alert closes the episode and pages nobody. Against the real broker and PostgreSQL; the test sets the time.
 */
class SilenceRoutingIT {

    private static final String HUB = "hub-it-silence-1";
    private static final String BATTERY_HUB = "hub-it-silence-2";
    private static final String BATTERY_PATIENT = "patient-silence-2";
    private static final String CUFF = "sim-cuff-silence-2";
    private static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final MessageCodec CODEC = new MessageCodec();

    private static final MutableClock clock = new MutableClock(
            LocalDateTime.of(2026, 11, 24, 10, 0).atZone(STOCKHOLM).toInstant());
    private static DevStack stack;
    private static Services.Ingest node1;
    private static Services.Ingest node2;

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.ensureUp();
        var postgres = stack.freshPostgres();
        var influx = stack.freshInflux();
        String group = "it-" + UUID.randomUUID().toString().substring(0, 8);
        AlertingSettings settings =
                AlertingSettings.defaults().withScans(Duration.ofMillis(200), Duration.ofMillis(200));
        node1 = Alerting.startIngest(stack, group, postgres, influx, clock, settings);
        node2 = Alerting.startIngest(stack, group, postgres, influx, clock, settings);
        await().atMost(DEADLINE)
                .until(() -> node1.service().health().healthy()
                        && node2.service().health().healthy());
        // Alerting's organisation (Anna and Agnes on duty 07–16, the region's doctor next), plus a second patient.
        JsonObject org = Alerting.organisation();
        JsonArray patients = org.getJsonArray("patients");
        patients.add(patients.getJsonObject(0).copy().put("id", BATTERY_PATIENT).put("name", "Bo Holm"));
        Alerting.importOrganisation(node1, org);

        var plans = node1.service().carePlans();
        get(plans.save(
                HUB,
                new CarePlan(
                        Alerting.PATIENT,
                        "draft",
                        List.of(new HubOfflineRule(
                                "hub-offline",
                                Duration.ofMinutes(2),
                                Severity.WARNING,
                                "Hubben är offline / The hub is offline",
                                "home-nursing-north",
                                Duration.ofMinutes(30),
                                null))),
                "doctor-it",
                "start"));
        get(plans.bindDevices(
                BATTERY_HUB, List.of(new DeviceBinding(CUFF, "sim-cuff", BATTERY_PATIENT)), "installer-it"));
        get(plans.save(
                BATTERY_HUB,
                new CarePlan(
                        BATTERY_PATIENT,
                        "draft",
                        List.of(
                                new HubOfflineRule(
                                        "hub-offline",
                                        Duration.ofDays(1),
                                        Severity.WARNING,
                                        "Offline / Offline",
                                        null,
                                        null,
                                        null),
                                new LowBatteryRule(
                                        "cuff-battery",
                                        20,
                                        Severity.WARNING,
                                        "Byt batteri / Replace the battery",
                                        null,
                                        null,
                                        null))),
                "doctor-it",
                "start"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {node1, node2}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aHubOfflineAlertReachesTheNurseOnDutyEscalatesAndClosesWhenTheHubReturns() throws Exception {
        MqttAsyncClient hub = connect(HUB);
        publishStatus(hub, HUB, status(List.of()));
        await().atMost(DEADLINE).until(() -> hubState(HUB).equals("ONLINE"));
        // The connection breaks: the broker publishes the hub's last will.
        hub.disconnect(10_000, null, null, 0x04 /* disconnect with will message */, new MqttProperties())
                .waitForCompletion(10_000);
        hub.close();
        await().atMost(DEADLINE).until(() -> hubState(HUB).equals("OFFLINE"));

        clock.advance(Duration.ofMinutes(3));
        checkOnBothNodes();
        List<List<Object>> raised = Alerting.rows(
                node1,
                "SELECT id FROM alert WHERE origin = 'CLOUD' AND patient_id = '" + Alerting.PATIENT
                        + "' AND rule_id = 'hub-offline' AND status = 'RAISED'");
        assertThat(raised).hasSize(1);
        long id = ((Number) raised.get(0).get(0)).longValue();
        // Routed once, in the storing transaction, to the team and delay the rule names.
        assertThat(Alerting.rows(
                        node1,
                        "SELECT state, team_id, tier, escalate_after = interval '30 minutes' "
                                + "FROM alert_state WHERE alert_id = " + id))
                .containsExactly(List.of("OPEN", "home-nursing-north", 0, true));
        assertThat(Alerting.rows(node1, "SELECT kind, people FROM alert_event WHERE alert_id = " + id))
                .containsExactly(List.of("routed", List.of("anna", "anna2")));
        var anna = Alerting.Session.of(node1.baseUrl(), "anna", "anna-secret-1");
        assertThat(inboxIds(anna)).contains(id);

        // Nobody acknowledges: after 30 minutes it escalates to the region's doctor, once, while both nodes scan.
        clock.advance(Duration.ofMinutes(31));
        List<Future<Integer>> scans = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            scans.add(node1.service().escalator().escalateDue());
            scans.add(node2.service().escalator().escalateDue());
        }
        Future.all(scans).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(
                                node1,
                                "SELECT count(*) FROM alert_event WHERE kind = " + "'escalated' AND alert_id = " + id)
                        .get(0)
                        .get(0)
                        .equals(1L));
        assertThat(Alerting.rows(node1, "SELECT team_id, tier FROM alert_state WHERE alert_id = " + id))
                .containsExactly(List.of("region-oncall", 1));

        // The hub is back: one RESOLVED alert that closes the open one and pages nobody.
        MqttAsyncClient back = connect(HUB);
        publishStatus(back, HUB, status(List.of()));
        await().atMost(DEADLINE).until(() -> hubState(HUB).equals("ONLINE"));
        checkOnBothNodes();
        List<List<Object>> resolved = Alerting.rows(
                node1,
                "SELECT id FROM alert WHERE origin = 'CLOUD' AND " + "patient_id = '" + Alerting.PATIENT
                        + "' AND rule_id = 'hub-offline' AND status = 'RESOLVED'");
        assertThat(resolved).hasSize(1);
        long resolvedId = ((Number) resolved.get(0).get(0)).longValue();
        assertThat(Alerting.rows(node1, "SELECT state, escalate_at FROM alert_state WHERE alert_id = " + id))
                .containsExactly(Arrays.asList("RESOLVED", null));
        assertThat(Alerting.rows(node1, "SELECT kind FROM alert_event WHERE alert_id = " + resolvedId))
                .containsExactly(List.of("episode.resolved"));
        assertThat(Alerting.rows(node1, "SELECT count(*) FROM notification WHERE alert_id = " + resolvedId))
                .containsExactly(List.of(0L));
        assertThat(inboxIds(anna)).doesNotContain(id, resolvedId);
        back.disconnect().waitForCompletion(10_000);
        back.close();
    }

    @Test
    void aLowBatteryRaisesThePlansAlertOnceAndAFreshBatteryResolvesIt() throws Exception {
        MqttAsyncClient hub = connect(BATTERY_HUB);
        try {
            publishStatus(hub, BATTERY_HUB, status(List.of(new HubStatus.DeviceStatus(CUFF, "sim-cuff", null, 8))));
            await().atMost(DEADLINE).until(() -> battery().equals(List.of(List.of(8))));
            checkOnBothNodes();
            // Lower still, and a status that does not know the level: the same episode, no second alert.
            publishStatus(hub, BATTERY_HUB, status(List.of(new HubStatus.DeviceStatus(CUFF, "sim-cuff", null, 7))));
            await().atMost(DEADLINE).until(() -> battery().equals(List.of(List.of(7))));
            clock.advance(Duration.ofMinutes(1));
            publishStatus(hub, BATTERY_HUB, status(List.of(new HubStatus.DeviceStatus(CUFF, "sim-cuff", null, null))));
            Instant unknownAt = clock.instant();
            await().atMost(DEADLINE)
                    .until(() -> Alerting.rows(node1, "SELECT status_at FROM hub WHERE hub_id = '" + BATTERY_HUB + "'")
                            .get(0)
                            .get(0)
                            .equals(Timestamp.from(unknownAt)));
            assertThat(battery()).containsExactly(List.of(7));
            checkOnBothNodes();
            assertThat(batteryAlerts()).containsExactly(List.of("RAISED", "WARNING", "home-nursing-north"));

            publishStatus(hub, BATTERY_HUB, status(List.of(new HubStatus.DeviceStatus(CUFF, "sim-cuff", null, 90))));
            await().atMost(DEADLINE).until(() -> battery().equals(List.of(List.of(90))));
            checkOnBothNodes();
            assertThat(batteryAlerts())
                    .containsExactly(List.of("RAISED", "WARNING", "RESOLVED"), List.of("RESOLVED", "INFO", "RESOLVED"));
        } finally {
            hub.disconnect().waitForCompletion(10_000);
            hub.close();
        }
    }

    /** Both nodes look at the same moment, as their timers would. */
    private static void checkOnBothNodes() throws Exception {
        Future.all(
                        node1.service().silenceWatch().check(),
                        node2.service().silenceWatch().check())
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    private static List<List<Object>> battery() throws Exception {
        return Alerting.rows(
                node1,
                "SELECT percent FROM device_battery WHERE hub_id = '" + BATTERY_HUB + "' AND device_id = '" + CUFF
                        + "'");
    }

    /** status, severity and, for RAISED, the team it lies with (its state once resolved) of every battery alert. */
    private static List<List<Object>> batteryAlerts() throws Exception {
        return Alerting.rows(
                node1,
                "SELECT a.status, a.severity, CASE WHEN s.state = 'OPEN' THEN s.team_id "
                        + "ELSE s.state END FROM alert a JOIN alert_state s ON s.alert_id = a.id WHERE a.origin = 'CLOUD' "
                        + "AND a.patient_id = '" + BATTERY_PATIENT + "' AND a.rule_id = 'cuff-battery' ORDER BY a.id");
    }

    private static String hubState(String hubId) throws Exception {
        List<List<Object>> r =
                Alerting.rows(node1, "SELECT coalesce(state, '') FROM hub WHERE hub_id = '" + hubId + "'");
        return r.isEmpty() ? "" : (String) r.get(0).get(0);
    }

    private static HubStatus status(List<HubStatus.DeviceStatus> devices) {
        return new HubStatus(
                1, HubStatus.State.ONLINE, clock.instant(), "it", HubStatus.ClockState.SYNCHRONIZED, 0, devices);
    }

    /** Connects as the hub does: its own certificate, and OFFLINE as the retained last will. */
    private static MqttAsyncClient connect(String hubId) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(
                stack.get("NARA_MQTT_URL"),
                hubId + "-it-" + UUID.randomUUID().toString().substring(0, 6),
                new MemoryPersistence());
        MqttMessage will = new MqttMessage(CODEC.encode(HubStatus.offline()), 1, true, new MqttProperties());
        client.connect(stack.broker(hubId)
                        .options(true, HubTopic.of(hubId, HubTopic.Kind.STATUS).name(), will))
                .waitForCompletion(10_000);
        return client;
    }

    private static void publishStatus(MqttAsyncClient client, String hubId, HubStatus status) throws Exception {
        client.publish(HubTopic.of(hubId, HubTopic.Kind.STATUS).name(), CODEC.encode(status), 1, true)
                .waitForCompletion(10_000);
    }

    private static List<Long> inboxIds(Alerting.Session who) throws Exception {
        HttpResponse<String> r = who.get("/api/inbox");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        new JsonArray(r.body()).forEach(o -> ids.add(((JsonObject) o).getLong("id")));
        return ids;
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
