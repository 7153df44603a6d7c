package io.nara.systemtest;

import static io.nara.systemtest.Services.hubStatus;
import static io.nara.systemtest.Services.result;
import static io.nara.systemtest.Services.simulate;
import static io.nara.systemtest.Services.storedAlert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nara.gateway.HubService;
import io.nara.gateway.HubSettings;
import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.uplink.Uplink;
import io.nara.mqtt.BrokerConnection;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.HubOfflineRule;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.Severity;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A care plan changed in the cloud reaches the hub through the retained config message, and the next reading is
 * evaluated with the new version; a hub cut off from the broker evaluates with its last known plan; a hub that goes
 * silent raises the cloud's hub-offline alert.
 */
class CarePlanIT {

    private static final String HUB = "hub-it-plan-1";
    private static final Duration DEADLINE = Duration.ofSeconds(40);

    private static DevStack stack;
    private static Services.Ingest ingest;
    private static Path hubData;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        hubData = dir;
        stack = DevStack.ensureUp();
        ingest = Services.startIngest(stack);
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(ingest);
    }

    /** The doctor's plan: systolic below {@code limit}, and the hub counts as offline after 2 seconds. */
    static CarePlan plan(double limit) {
        return new CarePlan(
                Services.PATIENT,
                "draft",
                List.of(
                        new ThresholdRule(
                                "systolic-low",
                                "8480-6",
                                limit,
                                null,
                                Severity.URGENT,
                                "Systoliskt blodtryck under " + limit + " / Systolic below " + limit,
                                "home-nursing-it",
                                Duration.ofMinutes(15)),
                        new HubOfflineRule(
                                "hub-offline",
                                Duration.ofSeconds(2),
                                Severity.WARNING,
                                "Hubben är offline / The hub is offline",
                                null,
                                null,
                                null)));
    }

    @Test
    void aPlanChangedInTheCloudReachesTheHubAndAnOfflineHubKeepsItsLastPlan() throws Exception {
        var plans = ingest.service().carePlans();
        JsonNode second;
        result(plans.bindDevices(
                HUB,
                List.of(
                        new DeviceBinding(Services.CUFF, "sim-cuff", Services.PATIENT),
                        new DeviceBinding(Services.SCALE, "sim-scale", Services.PATIENT)),
                "installer-it"));
        var v1 = result(plans.save(HUB, plan(100), "doctor-it", "start of monitoring"));
        assertThat(v1.version()).isEqualTo(1);
        long cloudVersion = result(plans.config(HUB)).orElseThrow().version();

        // The hub starts from its bootstrap file (version 1, systolic below 90) and adopts the cloud's config.
        try (Services.Hub hub = Services.startHub(stack, HUB, hubData, Services.homeConfig(1))) {
            await().atMost(DEADLINE)
                    .until(() -> hubStatus(hub.statusUrl()).get("configVersion").asLong() == cloudVersion);
            // 95 mmHg alerts only under the cloud's plan (below 100), and the alert names that plan's version.
            JsonNode alert = storedAlert(simulate(hub, "/api/simulate/cuff?systolic=95&diastolic=60&pulse=70"));
            assertThat(alert.get("carePlanVersion").asText()).isEqualTo("1");
            assertThat(alert.get("status").asText()).isEqualTo("RAISED");
            assertThat(alert.get("respondFirst").asText()).isEqualTo("home-nursing-it");
            await().atMost(DEADLINE)
                    .until(() -> rows("SELECT care_plan_version || ' ' || status || ' ' || rule_id"
                                    + " FROM alert WHERE origin = 'HUB'")
                            .contains("1 RAISED systolic-low"));

            // The doctor tightens the plan; the hub adopts version 2 and the next reading is judged by it.
            result(plans.save(HUB, plan(110), "doctor-it", "still symptomatic"));
            long v2Config = result(plans.config(HUB)).orElseThrow().version();
            await().atMost(DEADLINE)
                    .until(() -> hubStatus(hub.statusUrl()).get("configVersion").asLong() == v2Config);
            simulate(hub, "/api/simulate/cuff?systolic=120&diastolic=70&pulse=70"); // resolves the episode
            second = storedAlert(simulate(hub, "/api/simulate/cuff?systolic=105&diastolic=60&pulse=70"));
            assertThat(second.get("carePlanVersion").asText()).isEqualTo("2");
            assertThat(result(plans.history(Services.PATIENT)))
                    .extracting(p -> p.version() + " " + p.changedBy())
                    .containsExactly("1 doctor-it", "2 doctor-it");
        }

        // The hub is gone: its last will says OFFLINE, and after 2 s the cloud's rule raises one alert.
        await().atMost(DEADLINE)
                .until(
                        () -> {
                            result(ingest.service().silenceWatch().check());
                            return rows("SELECT status || ' ' || rule_id FROM alert WHERE origin = 'CLOUD'");
                        },
                        r -> r.contains("RAISED hub-offline"));
        List<String> cloudAlerts = rows("SELECT status || ' ' || rule_id FROM alert WHERE origin = 'CLOUD'");
        result(ingest.service().silenceWatch().check()); // looking again (or from another node) stores nothing new
        assertThat(rows("SELECT status || ' ' || rule_id FROM alert WHERE origin = 'CLOUD'"))
                .isEqualTo(cloudAlerts);

        // While the doctor changes the plan again, the hub restarts without a broker: it keeps plan version 2.
        result(plans.save(HUB, plan(130), "doctor-it", "change the hub has not seen"));
        try (Services.Hub offline = startUnreachableHub()) {
            // 120 is normal under version 2 (below 110) but would alert under the unseen version 3 (below 130):
            // the episode from 105 mmHg resolves, judged by version 2, and survived the restart in SQLite.
            JsonNode resolved = storedAlert(simulate(offline, "/api/simulate/cuff?systolic=120&diastolic=60&pulse=70"));
            assertThat(resolved.get("status").asText()).isEqualTo("RESOLVED");
            assertThat(resolved.get("carePlanVersion").asText()).isEqualTo("2");
            assertThat(resolved.get("episode").asText())
                    .isEqualTo(second.get("episode").asText());
            assertThat(hubStatus(offline.statusUrl()).get("connectedToCloud").asBoolean())
                    .isFalse();
        }
    }

    private static Services.Hub startUnreachableHub() throws Exception {
        BrokerConnection nowhere = new BrokerConnection(URI.create("ssl://127.0.0.1:9"), stack.identity(HUB));
        HubSettings settings = new HubSettings(
                HUB,
                nowhere,
                hubData,
                null,
                "127.0.0.1",
                0,
                ZoneId.of("Europe/Stockholm"),
                true,
                true,
                0,
                new Uplink.Settings(200, 4, 10_000, 60_000, 0),
                StorageLimits.defaults());
        Vertx vertx = Vertx.vertx();
        HubService service = new HubService(settings, Clock.systemUTC());
        vertx.deployVerticle(service).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        return new Services.Hub(vertx, service, hubData);
    }

    private static List<String> rows(String sql) throws Exception {
        var pg = ingest.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql + " ORDER BY 1")) {
            List<String> out = new ArrayList<>();
            while (r.next()) {
                out.add(r.getString(1));
            }
            return out;
        }
    }
}
