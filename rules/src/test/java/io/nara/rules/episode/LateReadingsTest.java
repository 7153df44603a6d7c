package io.nara.rules.episode;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.AlertStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Readings that arrive out of time order, found by the property tests and kept here as a fixed case. */
class LateReadingsTest {

    @Test
    void anEpisodeReOpenedByLateReadingsIsANewEpisodeWithItsOwnId() {
        Instant six = Instant.parse("2026-11-23T06:00:00Z");
        Instant seven = Instant.parse("2026-11-23T07:00:00Z");
        Home home = new Home(EnginePropertiesTest.PLAN);
        // systolic-high: above 160 in 2 of the last 3 readings. Two late readings (06:20, 06:30) arrive after the 07:00
        // one: the first closes the episode, the second re-opens it on the same evidence.
        for (Object[] r : new Object[][] {
            {161.0, six},
            {75.0, six.plusSeconds(600)},
            {161.0, seven},
            {76.0, six.plusSeconds(1200)},
            {162.0, six.plusSeconds(1800)}
        }) {
            home.read("cuff", "8480-6", (Double) r[0], (Instant) r[1]);
        }
        var highs = home.events.stream()
                .filter(e -> e.ruleId().equals("systolic-high"))
                .toList();
        assertThat(highs)
                .extracting(AlertEvent::status)
                .containsExactly(AlertStatus.RAISED, AlertStatus.RESOLVED, AlertStatus.RAISED);
        assertThat(highs.get(2).episode()).isNotEqualTo(highs.get(0).episode());
        assertThat(highs.get(1).episode()).isEqualTo(highs.get(0).episode());
    }
}
