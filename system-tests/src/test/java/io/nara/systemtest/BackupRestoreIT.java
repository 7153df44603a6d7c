package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.ingest.alerting.AlertingSettings;
import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import io.nara.protocol.HubTopic;
import io.nara.protocol.HubTopic.Kind;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup and restore drill as an operator runs it: deploy/backup/nara-backup.sh takes a running deployment's
 * PostgreSQL (pg_dump) and InfluxDB (influxd backup -portable over its RPC port); nara-restore.sh puts it into an empty
 * stack on another state folder and ports, where patients, care plans, alerts with their trails, the access log and
 * the readings are all back, counted, and a node started on it serves the patient's plan. A second restore into the
 * now non-empty stack is refused and changes nothing.
 */
class BackupRestoreIT {

    private static final String HUB = "hub-it-backup";
    private static final MessageCodec CODEC = new MessageCodec();
    private static final Map<String, String> COUNTS = new LinkedHashMap<>();
    /** Spot readings and raw samples, in both retention policies. */
    private static final String ALL_READINGS = "SELECT count(\"seq\") FROM " + ObservationStore.EVERY_POLICY;

    static {
        COUNTS.put("patients", "SELECT count(*) FROM patient");
        COUNTS.put("care plans", "SELECT count(*) FROM care_plan");
        COUNTS.put("care plan versions", "SELECT count(*) FROM care_plan_history");
        COUNTS.put("alerts", "SELECT count(*) FROM alert");
        COUNTS.put("alert trail steps", "SELECT count(*) FROM alert_event");
        COUNTS.put("access log", "SELECT count(*) FROM access_log");
        COUNTS.put("people", "SELECT count(*) FROM person");
        COUNTS.put("consents", "SELECT count(*) FROM relative_consent");
    }

    @Test
    void aBackupRestoredIntoAnEmptyStackHasEverythingBackCountedAndASecondRestoreIsRefused(@TempDir Path dir)
            throws Exception {
        DevStack stack = DevStack.ensureUp();
        Map<String, Long> before;
        long readings;
        long rollups;
        Services.Ingest source =
                Alerting.startIngest(stack, Clock.systemUTC(), AlertingSettings.defaults(), Alerting.organisation());
        try (TestMqttClient hub = new TestMqttClient(stack, HUB, HUB)) {
            var plans = source.service().carePlans();
            plans.bindDevices(
                            HUB,
                            List.of(
                                    new DeviceBinding(Services.CUFF, "sim-cuff", Alerting.PATIENT),
                                    new DeviceBinding(Services.OXIMETER, "sim-oximeter", Alerting.PATIENT)),
                            "installer-it")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            plans.save(
                            HUB,
                            new CarePlan(
                                    Alerting.PATIENT,
                                    "draft",
                                    List.of(new ThresholdRule(
                                            "systolic-low",
                                            "8480-6",
                                            90.0,
                                            null,
                                            Severity.URGENT,
                                            "Systoliskt under 90 / Systolic below 90",
                                            null,
                                            null))),
                            "doctor-it",
                            "start of monitoring")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            Alerting.raise(source, hub, HUB, Alerting.alert(1, Severity.URGENT, null, null, Instant.now()));
            String outbox = UUID.randomUUID().toString();
            hub.subscribe(HubTopic.of(HUB, Kind.ACK).name());
            Instant taken = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MINUTES);
            List<Observation> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                batch.add(new Observation(
                        10 + i,
                        Alerting.PATIENT,
                        Services.CUFF,
                        "8480-6",
                        120.0 + i,
                        "mm[Hg]",
                        taken.plus(Duration.ofMinutes(i)),
                        taken.plus(Duration.ofMinutes(i)).plusSeconds(3),
                        Set.of()));
            }
            // Three raw samples of a continuous oximeter: in the raw-sample retention policy, which the backup holds
            // too.
            for (int i = 0; i < 3; i++) {
                Instant t = taken.plusSeconds(10 + i);
                batch.add(new Observation(
                        20 + i,
                        Alerting.PATIENT,
                        Services.OXIMETER,
                        "59408-5",
                        95.0 + i,
                        "%",
                        null,
                        t,
                        Set.of(ObservationFlag.CONTINUOUS_SAMPLE)));
            }
            hub.publish(HubTopic.of(HUB, Kind.OBS).name(), CODEC.encode(ObservationBatch.of(outbox, batch)));
            await().atMost(Services.DEADLINE)
                    .until(() -> hub.received().stream()
                            .filter(m -> m.topic().endsWith("/ack"))
                            .map(m -> CODEC.decode(m.payload(), Ack.class))
                            .anyMatch(a -> a.outbox().equals(outbox)));
            // A read of patient data: an access-log row that must survive the restore.
            HttpResponse<String> plan = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            source.baseUrl() + "/api/patients/" + Alerting.PATIENT + "/careplan"))
                                    .header("Authorization", "Bearer " + source.apiKey())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(plan.statusCode()).isEqualTo(200);
            before = counts(source.postgres());
            readings = influxCount(stack, source.influx().database(), ALL_READINGS);
            await().atMost(Services.DEADLINE)
                    .until(() ->
                            influxCount(stack, source.influx().database(), "SELECT count(\"n\") FROM observation_1m")
                                    == 6);
            rollups = 6;
        } finally {
            Services.closeAll(source);
        }
        assertThat(before).allSatisfy((what, n) -> assertThat(n).as(what).isPositive());
        assertThat(readings).isEqualTo(8);

        Path backup = dir.resolve("backup-1");
        DevStack.Result backedUp = DevStack.run(
                stack.repoRoot(),
                List.of(
                        "bash",
                        stack.repoRoot().resolve("deploy/backup/nara-backup.sh").toString(),
                        "--pg-host",
                        stack.get("NARA_PG_HOST"),
                        "--pg-port",
                        stack.get("NARA_PG_PORT"),
                        "--pg-db",
                        dbName(source.postgres()),
                        "--pg-user",
                        stack.get("NARA_PG_USER"),
                        "--pg-password-file",
                        stack.secret("postgres.password").toString(),
                        "--influx-rpc",
                        "127.0.0.1:" + stack.get("NARA_INFLUX_RPC_PORT"),
                        "--influx-db",
                        source.influx().database(),
                        backup.toString()),
                300);
        assertThat(backedUp.exitCode()).as(backedUp.output()).isZero();
        assertThat(Files.readString(backup.resolve("MANIFEST"))).contains("postgres.dump");

        DevStack empty = DevStack.restoreStack();
        Database.Settings targetPg = empty.freshPostgres();
        String targetInflux =
                "restored_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        List<String> restore = List.of(
                "bash",
                stack.repoRoot().resolve("deploy/backup/nara-restore.sh").toString(),
                "--pg-host",
                empty.get("NARA_PG_HOST"),
                "--pg-port",
                empty.get("NARA_PG_PORT"),
                "--pg-db",
                dbName(targetPg),
                "--pg-user",
                empty.get("NARA_PG_USER"),
                "--pg-password-file",
                empty.secret("postgres.password").toString(),
                "--influx-rpc",
                "127.0.0.1:" + empty.get("NARA_INFLUX_RPC_PORT"),
                "--influx-url",
                empty.get("NARA_INFLUX_URL"),
                "--influx-user",
                empty.get("NARA_INFLUX_USER"),
                "--influx-password-file",
                empty.secret("influx.password").toString(),
                "--influx-db",
                targetInflux,
                backup.toString());
        DevStack.Result restored = DevStack.run(stack.repoRoot(), restore, 300);
        assertThat(restored.exitCode()).as(restored.output()).isZero();

        assertThat(counts(targetPg)).isEqualTo(before);
        assertThat(influxCount(empty, targetInflux, ALL_READINGS)).isEqualTo(readings);
        assertThat(influxCount(
                        empty,
                        targetInflux,
                        "SELECT count(\"seq\") FROM \"" + ObservationStore.RAW_POLICY + "\".observation"))
                .isEqualTo(3);
        assertThat(influxCount(empty, targetInflux, "SELECT count(\"n\") FROM observation_1m"))
                .isEqualTo(rollups);

        // Again into the same, now non-empty, stack: refused before anything is written.
        DevStack.Result again = DevStack.run(stack.repoRoot(), restore, 300);
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.output())
                .contains("refusing: PostgreSQL database " + dbName(targetPg) + " on " + empty.get("NARA_PG_HOST") + ":"
                        + empty.get("NARA_PG_PORT") + " is not empty");
        assertThat(counts(targetPg)).isEqualTo(before);

        // A node on the restored stores serves the patient's plan as before (and logs that read).
        Services.Ingest node = Services.startIngest(
                empty,
                Services.newShareGroup(),
                targetPg,
                new ObservationStore.Settings(
                        empty.get("NARA_INFLUX_URL"),
                        empty.get("NARA_INFLUX_USER"),
                        empty.get("NARA_INFLUX_PASSWORD"),
                        targetInflux));
        try {
            Services.awaitHealthy(node);
            HttpResponse<String> plan = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            node.baseUrl() + "/api/patients/" + Alerting.PATIENT + "/careplan"))
                                    .header("Authorization", "Bearer " + node.apiKey())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(plan.statusCode()).isEqualTo(200);
            assertThat(plan.body()).contains("systolic-low");
        } finally {
            Services.closeAll(node);
        }
    }

    private static String dbName(Database.Settings settings) {
        return settings.jdbcUrl().substring(settings.jdbcUrl().lastIndexOf('/') + 1);
    }

    private static Map<String, Long> counts(Database.Settings settings) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
                Statement s = c.createStatement()) {
            for (Map.Entry<String, String> count : COUNTS.entrySet()) {
                try (ResultSet r = s.executeQuery(count.getValue())) {
                    r.next();
                    counts.put(count.getKey(), r.getLong(1));
                }
            }
        }
        return counts;
    }

    private static long influxCount(DevStack stack, String database, String query) {
        try (InfluxDB influx = stack.influx()) {
            QueryResult result = influx.query(new Query(query, database));
            var series = result.getResults().get(0).getSeries();
            return series == null
                    ? 0
                    : Math.round(((Number) series.get(0).getValues().get(0).get(1)).doubleValue());
        }
    }
}
