package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.HubTopic;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The trend chart shows events, not only means, in headless Chromium against a real ingest node, broker and
 * databases. A month of daily weights near 81 kg; five days ago the scale sent 155 readings in one morning, one of
 * them 4.6 kg higher, which the slot's mean hides (81.2 kg). On the 30-day view the slot's maximum is drawn and named;
 * two alerts 100 minutes apart in that same slot get markers of their own; a click on a point, or a move by keyboard,
 * shows its reading in words beside the chart.
 */
class TrendChartIT {

    private static final String HUB = "hub-it-trend-chart-1";
    private static final String PATIENT = Alerting.PATIENT;
    private static final String SCALE = "scale-it-trend-1";
    private static final String WEIGHT = "29463-7";
    private static final ZoneId SE = ZoneId.of("Europe/Stockholm");
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int DAYS = 28;
    private static final int JUMP_DAYS_AGO = 5;
    private static final int READINGS_THAT_MORNING = 155;
    private static final double USUAL = 81.2;
    private static final double JUMP = 85.8;
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private static long earlyAlert;
    private static long lateAlert;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.organisation());
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
        ingest.service()
                .carePlans()
                .save(HUB, new CarePlan(PATIENT, "1", List.of()), "david", "monitoring starts")
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        ingest.service()
                .carePlans()
                .bindDevices(HUB, List.of(new DeviceBinding(SCALE, "sim-scale", PATIENT, null)), "operator")
                .toCompletionStage()
                .toCompletableFuture()
                .get();

        String outbox = UUID.randomUUID().toString();
        List<Observation> readings = readings();
        MessageCodec codec = new MessageCodec();
        for (int i = 0; i < readings.size(); i += 100) {
            hub.publish(
                    HubTopic.of(HUB, HubTopic.Kind.OBS).name(),
                    codec.encode(ObservationBatch.of(outbox, readings.subList(i, Math.min(readings.size(), i + 100)))));
        }
        CloudQueries cloud = new CloudQueries(stack, ingest);
        await().atMost(DEADLINE).until(() -> cloud.observationSeqs(HUB).size() == readings.size());

        earlyAlert = Alerting.raise(ingest, hub, HUB, weightAlert(5000, at(JUMP_DAYS_AGO, 6, 40)));
        lateAlert = Alerting.raise(ingest, hub, HUB, weightAlert(5001, at(JUMP_DAYS_AGO, 8, 20)));
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, ingest);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        Services.closeAll(browser);
    }

    @Test
    void theThirtyDayChartShowsTheJumpTheAlertsApartAndTheReadingOfAChosenPoint() throws Exception {
        browser = Browser.start("trend-chart");
        browser.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
        browser.open(ingest.baseUrl() + "/patient.html?id=" + PATIENT);
        // Without a discharge the page opens on 30 days (one load: no redraw under the test's feet).
        String weight = "#charts[data-range='30d'] figure[data-code='" + WEIGHT + "'] ";
        browser.await(
                "the 30-day weight chart",
                d -> !d.findElements(By.cssSelector(weight + "circle.point")).isEmpty());
        assertThat(browser.find("#range button[data-range='30d']").getAttribute("aria-pressed"))
                .isEqualTo("true");

        // The slot of that morning: its mean hides the jump, its maximum does not.
        WebElement slot = browser.find(weight + "circle.point[data-n='" + READINGS_THAT_MORNING + "']");
        assertThat(Double.parseDouble(slot.getAttribute("data-mean"))).isBetween(81.2, 81.3);
        assertThat(Double.parseDouble(slot.getAttribute("data-max"))).isEqualTo(JUMP);
        assertThat(Double.parseDouble(slot.getAttribute("data-min"))).isEqualTo(USUAL);
        WebElement svg = browser.find(weight + "svg");
        assertThat(Double.parseDouble(svg.getAttribute("data-y-max")))
                .as("the axis reaches the jump")
                .isGreaterThan(JUMP);
        WebElement range = browser.find(weight + "g.range[data-max='" + JUMP + "']");
        double rangeTop = range.findElements(By.tagName("line")).stream()
                .mapToDouble(l ->
                        Math.min(Double.parseDouble(l.getAttribute("y1")), Double.parseDouble(l.getAttribute("y2"))))
                .min()
                .orElseThrow();
        assertThat(rangeTop)
                .as("the whisker reaches up to 85.8 kg, well above the mean's dot")
                .isLessThan(Double.parseDouble(slot.getAttribute("cy")) - 20);
        assertThat(browser.find(weight + "text.unit").getText()).isEqualTo("kg");
        assertThat(browser.findAll(weight + "text.axis.time"))
                .as("dates under the time axis")
                .hasSizeGreaterThan(3);

        // A click on the point names the reading: the slot's span, mean, min, max and count, with the unit.
        slot.click();
        browser.await(
                "the reading of the slot beside the chart",
                d -> d.findElement(By.cssSelector(weight + ".chart-reading"))
                        .getText()
                        .contains("max 85,8 kg"));
        String reading = browser.find(weight + ".chart-reading").getText();
        assertThat(reading).contains("Kroppsvikt", "medel 81,2 kg", "min 81,2 kg", "155 mätningar", "06:00–09:00");
        assertThat(browser.find(weight + ".chart-reading").getAttribute("role")).isEqualTo("status");

        // The keyboard moves on to the next morning's single reading.
        new Actions(browser.driver()).sendKeys(Keys.ARROW_RIGHT).perform();
        browser.await(
                "the next morning's reading",
                d -> !d.findElement(By.cssSelector(weight + ".chart-reading"))
                        .getText()
                        .contains("155"));
        assertThat(browser.find(weight + ".chart-reading").getText()).contains("81,2 kg", "06:00–09:00");
        assertThat(browser.script("return document.activeElement.getAttribute('data-n');"))
                .isEqualTo("1");

        // The two alerts of that morning, 100 minutes apart: each at its own time, neither hiding the other.
        WebElement early = browser.find(weight + "g.mark.alert[data-alert-id='" + earlyAlert + "']");
        WebElement late = browser.find(weight + "g.mark.alert[data-alert-id='" + lateAlert + "']");
        double earlyX = Double.parseDouble(
                early.findElement(By.cssSelector("line.mark-line")).getAttribute("x1"));
        double lateX = Double.parseDouble(
                late.findElement(By.cssSelector("line.mark-line")).getAttribute("x1"));
        assertThat(earlyX).as("the earlier alert lies to the left").isLessThan(lateX);
        Rectangle a = early.findElement(By.cssSelector("path.marker")).getRect();
        Rectangle b = late.findElement(By.cssSelector("path.marker")).getRect();
        boolean overlap = a.getX() < b.getX() + b.getWidth()
                && b.getX() < a.getX() + a.getWidth()
                && a.getY() < b.getY() + b.getHeight()
                && b.getY() < a.getY() + a.getHeight();
        assertThat(overlap).as("markers %s and %s overlap", a, b).isFalse();
        late.findElement(By.cssSelector("path.marker")).click();
        browser.await(
                "the later alert's reading",
                d -> d.findElement(By.cssSelector(weight + ".chart-reading"))
                        .getText()
                        .contains("85,8 kg"));
        assertThat(browser.find(weight + ".chart-reading").getText()).contains("Viktökning", "Brådskande");
        browser.script("document.querySelector(\"figure[data-code='" + WEIGHT + "']\").scrollIntoView();");
        browser.screenshot("weight-30d");
    }

    @Test
    void onAPhoneTheChartFitsAndATapNearAPointShowsItsReading() throws Exception {
        browser = Browser.start("trend-phone");
        browser.windowSize(390, 844);
        browser.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
        browser.open(ingest.baseUrl() + "/patient.html?id=" + PATIENT);
        String weight = "#charts[data-range='30d'] figure[data-code='" + WEIGHT + "'] ";
        browser.await(
                "the 30-day weight chart",
                d -> !d.findElements(By.cssSelector(weight + "circle.point")).isEmpty());
        Number overflow = (Number) browser.script(
                "const f = document.querySelector(arguments[0]);"
                        + "return f.getBoundingClientRect().right - document.documentElement.clientWidth;",
                weight.strip());
        assertThat(overflow.doubleValue())
                .as("the chart fits the phone's width")
                .isLessThanOrEqualTo(0);

        // A finger lands above the dot, not on it: the nearest point in time is chosen.
        WebElement slot = browser.find(weight + "circle.point[data-n='" + READINGS_THAT_MORNING + "']");
        browser.script("arguments[0].scrollIntoView({block: 'center'});", slot);
        new Actions(browser.driver()).moveToElement(slot, 0, -12).click().perform();
        browser.await(
                "the slot's reading after a tap",
                d -> d.findElement(By.cssSelector(weight + ".chart-reading"))
                        .getText()
                        .contains("max 85,8 kg"));
        browser.screenshot("weight-30d-phone");
    }

    private static Alert weightAlert(long seq, Instant raisedAt) {
        return new Alert(
                seq,
                PATIENT,
                "weight-gain",
                Severity.URGENT,
                WEIGHT,
                JUMP,
                "kg",
                "Viktökning 4,6 kg / Weight gain 4.6 kg",
                raisedAt,
                0,
                "v1",
                null,
                null);
    }

    /**
     * A weight each morning at 07:50 for four weeks; five days ago one a minute from 06:10 to 08:44 instead, all
     * 81.2 kg but one of 85.8 kg at 07:00.
     */
    private static List<Observation> readings() {
        List<Observation> readings = new ArrayList<>();
        long seq = 1;
        for (int day = DAYS - 1; day >= 0; day--) {
            if (day == JUMP_DAYS_AGO) {
                Instant first = at(day, 6, 10);
                for (int i = 0; i < READINGS_THAT_MORNING; i++) {
                    Instant t = first.plus(Duration.ofMinutes(i));
                    readings.add(reading(seq++, t.equals(at(day, 7, 0)) ? JUMP : USUAL, t));
                }
            } else {
                readings.add(reading(seq++, USUAL, at(day, 7, 50)));
            }
        }
        return readings;
    }

    private static Observation reading(long seq, double kg, Instant at) {
        return new Observation(seq, PATIENT, SCALE, WEIGHT, kg, "kg", at, at.plusSeconds(5), Set.of());
    }

    /** {@code hour:minute} in Stockholm {@code daysAgo} days before the test's today. */
    private static Instant at(int daysAgo, int hour, int minute) {
        return clock.instant()
                .atZone(SE)
                .toLocalDate()
                .minusDays(daysAgo)
                .atTime(hour, minute)
                .atZone(SE)
                .toInstant();
    }
}
