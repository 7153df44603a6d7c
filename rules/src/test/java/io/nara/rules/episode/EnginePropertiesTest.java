package io.nara.rules.episode;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the engine over random weeks of weights, pressures and pulses, on the template plan. */
class EnginePropertiesTest {

    static final CarePlan PLAN = CarePlanTemplate.heartFailure(new MessageCodec(), "p1");
    static final Instant START = Instant.parse("2026-11-23T06:00:00Z");
    static final String[] CODES = {"29463-7", "8480-6", "8867-4"};

    @Provide
    Arbitrary<List<Observation>> readings() {
        return readingsOver(6 * 24);
    }

    /**
     * Readings spanning less than the plan's shortest window (one day), at most one per device, signal and instant.
     * Across more than a window the order can matter by design: a weight-gain episode clears when the weight comes
     * down, not when the window slides past its low point. And two different values from one device at the same
     * instant cannot be measured (a cuff takes half a minute); exact re-sent copies are the replay property's case.
     */
    @Provide
    Arbitrary<List<Observation>> readingsWithinAWindow() {
        return readingsOver(23)
                .filter(list -> list.stream()
                                .map(o -> o.deviceId() + "|" + o.code() + "|" + o.time())
                                .distinct()
                                .count()
                        == list.size());
    }

    private static Arbitrary<List<Observation>> readingsOver(int hours) {
        Arbitrary<Observation> one = Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, hours - 1),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.integers().between(0, 9))
                .as((c, hour, u, fail) -> {
                    String code = CODES[c];
                    Double value = switch (c) {
                        case 0 -> 78 + Math.round(u * 50) / 10.0; // 78.0-83.0 kg
                        case 1 -> (double) Math.round(75 + u * 100); // 75-175 mmHg
                        default -> (double) Math.round(35 + u * 85); // 35-120 /min
                    };
                    return Home.obs(
                            1,
                            "p1",
                            c == 0 ? "scale" : "cuff",
                            code,
                            fail == 0 ? null : value,
                            START.plus(Duration.ofHours(hour)));
                });
        return one.list().ofMinSize(1).ofMaxSize(40).map(EnginePropertiesTest::numbered);
    }

    static List<Observation> numbered(List<Observation> list) {
        List<Observation> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(list.get(i).withSeq(i + 1));
        }
        return out;
    }

    /** Everything arrives at once, after the last reading (a hub back from an outage, a scale's stored records). */
    static Home feed(List<Observation> arrivals, Instant now) {
        Home home = new Home(PLAN);
        arrivals.forEach(o -> home.receive(o, now));
        return home;
    }

    static Instant after(List<Observation> list) {
        return list.stream()
                .map(Observation::time)
                .max(Instant::compareTo)
                .orElseThrow()
                .plusSeconds(60);
    }

    @Property(tries = 200)
    void evaluationIsDeterministic(@ForAll("readings") List<Observation> readings) {
        Home a = new Home(PLAN);
        Home b = new Home(PLAN);
        for (Observation o : readings) {
            a.receive(o, o.time());
            b.receive(o, o.time());
        }
        assertThat(a.events).isEqualTo(b.events);
        assertThat(a.state().open()).isEqualTo(b.state().open());
    }

    @Property(tries = 200)
    void arrivalOrderDoesNotChangeWhichEpisodesAreOpen(
            @ForAll("readingsWithinAWindow") List<Observation> readings, @ForAll long seed) {
        List<Observation> shuffled = new ArrayList<>(readings);
        Collections.shuffle(shuffled, new Random(seed));
        Instant now = after(readings);
        Home inOrder = feed(sortedByTime(readings), now);
        Home anyOrder = feed(shuffled, now);
        assertThat(anyOrder.state().open().keySet())
                .isEqualTo(inOrder.state().open().keySet());
        assertThat(anyOrder.state().history().size())
                .isEqualTo(inOrder.state().history().size());
    }

    @Property(tries = 200)
    void replayedDuplicatesNeverRaiseASecondAlert(@ForAll("readings") List<Observation> readings, @ForAll long seed) {
        Random random = new Random(seed);
        Home once = new Home(PLAN);
        Home replayed = new Home(PLAN);
        List<Observation> seen = new ArrayList<>();
        long seq = 1000;
        for (Observation o : readings) {
            once.receive(o, o.time());
            replayed.receive(o, o.time());
            seen.add(o);
            // The device re-sends some earlier records (with new hub sequence numbers), at this moment.
            for (int i = 0; i < 2; i++) {
                Observation again = seen.get(random.nextInt(seen.size())).withSeq(seq++);
                replayed.receive(again, o.time());
            }
        }
        assertThat(replayed.events).isEqualTo(once.events);
        assertThat(replayed.events.stream()
                        .filter(e -> e.status() == AlertStatus.RAISED)
                        .map(AlertEvent::episode))
                .doesNotHaveDuplicates();
    }

    @Property(tries = 200)
    void everyEpisodeIsRaisedOnceAndResolvedAtMostOnce(@ForAll("readings") List<Observation> readings) {
        Home home = new Home(PLAN);
        sortedByTime(readings).forEach(o -> home.receive(o, o.time()));
        List<String> raised = home.events.stream()
                .filter(e -> e.status() == AlertStatus.RAISED)
                .map(AlertEvent::episode)
                .toList();
        List<String> resolved = home.events.stream()
                .filter(e -> e.status() == AlertStatus.RESOLVED)
                .map(AlertEvent::episode)
                .toList();
        assertThat(raised).doesNotHaveDuplicates();
        assertThat(resolved).doesNotHaveDuplicates();
        assertThat(raised).containsAll(resolved);
    }

    static List<Observation> sortedByTime(List<Observation> list) {
        List<Observation> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparing(Observation::time).thenComparingLong(Observation::seq));
        return sorted;
    }
}
