package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.ingest.alerting.AlertingSettings;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.WeightBand;
import io.nara.protocol.careplan.WindowChangeRule;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A home where a couple shares a scale without user index and their weight bands overlap: Greta (60–80 kg, told
 * about a gain of more than 2 kg in 3 days) and Gustav Holm (70–95 kg), so 75 kg could be either and is held as
 * unattributed. A real hub (simulated scale) over Mosquitto to an ingest node on fresh PostgreSQL and InfluxDB
 * databases, with {@link Alerting#organisationWithNeighbour()}: Anna's team cares for the couple, Eva of another
 * municipality for neither. Shared by the tests of the API and of the nurse's page.
 */
final class CoupleHome implements AutoCloseable {

    static final String GRETA = Alerting.PATIENT;
    static final String GUSTAV = "patient-route-2";
    static final String SCALE = "sim-scale-couple";
    static final String WEIGHT = "29463-7";
    static final Duration DEADLINE = Duration.ofSeconds(40);

    final String hubId;
    final DevStack stack;
    final Services.Ingest ingest;
    final Services.Hub hub;
    final CloudQueries cloud;

    private CoupleHome(String hubId, DevStack stack, Services.Ingest ingest, Services.Hub hub) {
        this.hubId = hubId;
        this.stack = stack;
        this.ingest = ingest;
        this.hub = hub;
        this.cloud = new CloudQueries(stack, ingest);
    }

    /** Starts the home; {@code hubId} is the test class's own, so classes never see each other's messages. */
    static CoupleHome start(String hubId, Path dir, AlertingSettings settings) throws Exception {
        DevStack stack = DevStack.ensureUp();
        Services.Ingest ingest = Alerting.startIngest(
                stack,
                Clock.systemUTC(),
                settings,
                Alerting.withPatientLike(Alerting.organisationWithNeighbour(), GUSTAV, "Gustav Holm"));
        Services.Hub hub = null;
        try {
            CarePlan greta = new CarePlan(
                    GRETA,
                    "1",
                    List.of(new WindowChangeRule(
                            "weight-gain-3d",
                            WEIGHT,
                            Duration.ofDays(3),
                            2.0,
                            Severity.WARNING,
                            "Viktökning över 2 kg på 3 dagar / Weight gain over " + "2 kg in 3 days",
                            "home-nursing-north",
                            null,
                            null)),
                    null,
                    null,
                    new WeightBand(60, 80),
                    null,
                    null);
            CarePlan gustav = new CarePlan(GUSTAV, "1", List.of(), null, null, new WeightBand(70, 95), null, null);
            List<DeviceBinding> devices = List.of(
                    new DeviceBinding(Services.CUFF, "sim-cuff", GRETA),
                    new DeviceBinding(
                            SCALE,
                            "sim-scale",
                            null,
                            List.of(
                                    new DeviceBinding.DeviceUser(GRETA, null),
                                    new DeviceBinding.DeviceUser(GUSTAV, null))));
            HubConfig home = new HubConfig(1, 1, List.of(greta, gustav), devices);
            HomeEnrolment.enrol(ingest, hubId, home);
            hub = Services.startHub(stack, hubId, dir, home);
            HomeEnrolment.awaitApplied(ingest, hubId);
            return new CoupleHome(hubId, stack, ingest, hub);
        } catch (Exception | Error e) {
            Services.closeAll(hub, ingest);
            throw e;
        }
    }

    /** Someone stands on the shared scale. */
    void weigh(double kg) throws Exception {
        Services.simulate(hub, "/api/simulate/scale?kg=" + kg);
    }

    /** The readings waiting for {@code who}, through the API. */
    JsonArray waiting(Alerting.Session who) throws Exception {
        HttpResponse<String> r = who.get("/api/unattributed");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonArray(r.body());
    }

    /** The waiting reading of this weight, once it is there. */
    JsonObject waitingWith(Alerting.Session who, double kg) {
        return await().atMost(DEADLINE)
                .until(
                        () -> waiting(who).stream()
                                .map(JsonObject.class::cast)
                                .filter(r -> r.getDouble("value") == kg)
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    /** The InfluxDB points of the hub's reading {@code seq}, as "patient seq value". */
    List<String> points(long seq) {
        return cloud.pointsByPatient(hubId, WEIGHT).stream()
                .filter(p -> p.split(" ")[1].equals(Long.toString(seq)))
                .toList();
    }

    /** The hub's seq of the kept reading {@code id}. */
    long seqOf(long id) throws Exception {
        return ((Number) Alerting.rows(ingest, "SELECT seq FROM unattributed_reading WHERE id = " + id)
                        .get(0)
                        .get(0))
                .longValue();
    }

    @Override
    public void close() throws Exception {
        Services.closeAll(hub, ingest);
    }
}
