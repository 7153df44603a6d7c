package io.nara.ingest.observation;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.influxdb.dto.Point;
import org.junit.jupiter.api.Test;

/** Which minutes a batch makes the rollup recompute. */
class ObservationRollupTest {

    private static final Instant NIGHT = Instant.parse("2026-11-29T22:00:00Z");

    @Test
    void oneNightOfOneHertzSamplesIsOneRunOfMinutesPerSignal() {
        List<Observation> samples = new ArrayList<>();
        long seq = 1;
        for (int s = 0; s < 200; s++) {
            samples.add(reading(seq++, "59408-5", 95.0, NIGHT.plusSeconds(s)));
            samples.add(reading(seq++, "8867-4", 60.0, NIGHT.plusSeconds(s)));
        }
        List<ObservationRollup.Span> spans =
                ObservationRollup.spans(ObservationBatch.of(UUID.randomUUID().toString(), samples));
        assertThat(spans)
                .containsExactly(
                        new ObservationRollup.Span("p1", "59408-5", NIGHT, NIGHT.plusSeconds(240)),
                        new ObservationRollup.Span("p1", "8867-4", NIGHT, NIGHT.plusSeconds(240)));
    }

    @Test
    void readingsDaysApartAreSeparateMinutesAndAFailedOneStillTouchesItsMinute() {
        Instant day1 = Instant.parse("2026-11-28T07:00:30Z");
        Instant day2 = Instant.parse("2026-11-29T07:01:59.999Z");
        List<ObservationRollup.Span> spans = ObservationRollup.spans(ObservationBatch.of(
                UUID.randomUUID().toString(),
                List.of(reading(1, "29463-7", 80.0, day1), reading(2, "29463-7", null, day2))));
        assertThat(spans)
                .containsExactly(
                        new ObservationRollup.Span(
                                "p1",
                                "29463-7",
                                Instant.parse("2026-11-28T07:00:00Z"),
                                Instant.parse("2026-11-28T07:01:00Z")),
                        new ObservationRollup.Span(
                                "p1",
                                "29463-7",
                                Instant.parse("2026-11-29T07:01:00Z"),
                                Instant.parse("2026-11-29T07:02:00Z")));
    }

    @Test
    void samplesPastRetentionAreAggregatedPerSeriesAndMinuteLeavingOutWhatIsNotUsable() {
        List<Observation> samples = new ArrayList<>();
        samples.add(reading(7, "59408-5", 94.0, NIGHT.plusSeconds(1)));
        samples.add(reading(8, "59408-5", 90.0, NIGHT.plusSeconds(2)));
        samples.add(reading(9, "59408-5", 97.0, NIGHT.plusSeconds(59)));
        samples.add(reading(10, "59408-5", null, NIGHT.plusSeconds(30)));
        samples.add(new Observation(
                11,
                "p1",
                "dev-1",
                "59408-5",
                20.0,
                "%",
                NIGHT.plusSeconds(31),
                NIGHT.plusSeconds(31),
                Set.of(ObservationFlag.IMPLAUSIBLE, ObservationFlag.CONTINUOUS_SAMPLE)));
        samples.add(reading(12, "59408-5", 96.0, NIGHT.plusSeconds(60)));

        List<Point> points = ObservationRollup.aggregates("hub-1", "ob-1", samples);

        assertThat(points)
                .extracting(Point::lineProtocol)
                .containsExactly(
                        "observation_1m,code=59408-5,device=dev-1,hub=hub-1,part=ob-1:7,patient=p1,unit=%"
                                + " max=97.0,min=90.0,n=3i,total=281.0 " + NIGHT.toEpochMilli() * 1_000_000L,
                        "observation_1m,code=59408-5,device=dev-1,hub=hub-1,part=ob-1:12,patient=p1,unit=%"
                                + " max=96.0,min=96.0,n=1i,total=96.0 "
                                + NIGHT.plusSeconds(60).toEpochMilli() * 1_000_000L);
        assertThat(ObservationRollup.aggregates("hub-1", "ob-1", samples.subList(3, 5)))
                .isEmpty();
    }

    private static Observation reading(long seq, String code, Double value, Instant at) {
        return new Observation(
                seq,
                "p1",
                "dev-1",
                code,
                value,
                "%",
                at,
                at,
                value == null ? Set.of(ObservationFlag.MEASUREMENT_FAILED) : Set.of());
    }
}
