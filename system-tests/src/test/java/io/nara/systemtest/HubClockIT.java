package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.gateway.clock.HubClock;
import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.sim.SimulatedCuff;
import io.nara.gateway.uplink.Uplink;
import io.nara.ingest.observation.ObservationStore;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.influxdb.InfluxDB;
import org.influxdb.dto.Query;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub whose clock is not known to be right keeps its readings back (not its alerts), and re-times them from its
 * monotonic clock once the clock is synchronised; a device clock running ahead is not believed.
 */
class HubClockIT {

    private static final String HUB = "hub-it-clock";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readingsWaitForAGoodClockAndAreReTimed(@TempDir Path dir) throws Exception {
        DevStack stack = DevStack.faultStack();
        Path synced = dir.resolve("clock-synchronized");
        try (Services.Ingest ingest = HomeEnrolment.enrolled(
                        Services.startIngest(
                                stack,
                                "it-" + UUID.randomUUID().toString().substring(0, 8),
                                stack.freshPostgres(),
                                stack.freshInflux()),
                        HUB,
                        Services.homeConfig(1));
                Services.Hub hub = Services.startHub(
                        stack,
                        HUB,
                        dir.resolve("hub"),
                        Services.homeConfig(1),
                        new Uplink.Settings(100, 4, 10_000, 60_000, 0),
                        StorageLimits.defaults(),
                        stack.broker(HUB),
                        HubClock.file(synced))) {
            assertThat(Services.hubStatus(hub.statusUrl()).get("clock").asText())
                    .isEqualTo("UNSYNCHRONIZED");
            Instant measuredAround = Instant.now();
            JsonNode normal = post(hub, "/api/simulate/cuff?systolic=122");
            assertThat(normal.get("stored").get(0).get("flags").toString()).contains("HUB_CLOCK_UNSYNCHRONIZED");
            long normalSeq = normal.get("stored").get(0).get("seq").asLong();

            // An alert does not wait for the clock: it reaches the cloud at once...
            JsonNode low = post(hub, "/api/simulate/cuff?systolic=83");
            long alertSeq = findAlertSeq(low);
            CloudQueries cloud = new CloudQueries(stack, ingest);
            await().atMost(DEADLINE).until(() -> cloud.alertSeqs(HUB).contains(alertSeq));
            // ...while the readings wait in the outbox rather than travel with a date nobody can trust.
            assertThat(cloud.observationSeqs(HUB)).isEmpty();
            assertThat(Services.hubStatus(hub.statusUrl()).get("outboxPending").asLong())
                    .isPositive();

            Files.createFile(synced);
            await().atMost(DEADLINE).until(() -> cloud.observationSeqs(HUB).contains(normalSeq));
            Map<String, Object> point = point(stack, ingest, normalSeq);
            assertThat((String) point.get("flags"))
                    .contains("HUB_CLOCK_RETIMED")
                    .doesNotContain("UNSYNCHRONIZED");
            long receivedMs = ((Number) point.get("received_ms")).longValue();
            assertThat(Math.abs(receivedMs - measuredAround.toEpochMilli()))
                    .as("re-timed receipt")
                    .isLessThan(5_000);
            await().atMost(DEADLINE).until(() -> Services.outboxEmpty(hub.statusUrl()));
            assertThat(Services.hubStatus(hub.statusUrl()).get("clock").asText())
                    .isEqualTo("SYNCHRONIZED");

            // Now the clock is right, a cuff whose clock runs a day ahead is not believed.
            byte[] ahead = SimulatedCuff.measurement(
                    121.0,
                    79,
                    66,
                    LocalDateTime.now(ZoneId.of("Europe/Stockholm")).plusDays(1));
            JsonNode corrected = post(
                    hub,
                    "/api/simulate/raw?device=" + Services.CUFF + "&characteristic=2A35&hex="
                            + HexFormat.of().formatHex(ahead));
            JsonNode systolic = corrected.get("stored").get(0);
            assertThat(systolic.get("flags").toString()).contains("DEVICE_CLOCK_UNRELIABLE");
            assertThat(systolic.get("effective").isNull()).isTrue();
        }
    }

    private static long findAlertSeq(JsonNode stored) {
        for (JsonNode entry : stored.get("stored")) {
            if (entry.has("ruleId")) {
                return entry.get("seq").asLong();
            }
        }
        throw new AssertionError("no alert in " + stored);
    }

    private static Map<String, Object> point(DevStack stack, Services.Ingest ingest, long seq) {
        try (InfluxDB influx = stack.influx()) {
            var series = influx.query(new Query(
                            "SELECT * FROM " + ObservationStore.EVERY_POLICY + " WHERE hub = '" + HUB + "' AND seq = "
                                    + seq,
                            ingest.influx().database()))
                    .getResults()
                    .get(0)
                    .getSeries()
                    .get(0);
            List<String> columns = series.getColumns();
            Map<String, Object> point = new HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                point.put(columns.get(i), series.getValues().get(0).get(i));
            }
            return point;
        }
    }

    private static JsonNode post(Services.Hub hub, String pathAndQuery) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(hub.installerPost(pathAndQuery).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }
}
