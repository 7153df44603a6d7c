package io.nara.ingest.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IncomingReadingsTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final String OUTBOX = "6f1c2a52-0d43-4c3e-9a8f-1d2b3c4d5e6f";

    private static Observation reading(String code, double value, String unit, Instant effective) {
        return new Observation(1, "p1", "d1", code, value, unit, effective, NOW.minusSeconds(5), Set.of());
    }

    private static ObservationBatch batch(Observation o) {
        return ObservationBatch.of(OUTBOX, List.of(o));
    }

    @Test
    void aCodeOutsideTheVocabularyOrAUnitNotTheCodesIsRefusedNamingTheReading() {
        assertThatThrownBy(() -> IncomingReadings.check(batch(reading("0000-0", 1, "kg", NOW)), NOW))
                .hasMessage("observation 1: code 0000-0 is not in the vocabulary");
        // ml/min is not eGFR's mL/min/{1.73_m2}.
        assertThatThrownBy(() -> IncomingReadings.check(batch(reading("62238-1", 55, "ml/min", NOW)), NOW))
                .hasMessageContaining("unit 'ml/min' is not the unit of 62238-1 (mL/min/{1.73_m2})");
    }

    @Test
    void anImplausibleValueIsFlaggedAsTheHubWouldHaveFlaggedIt() {
        ObservationBatch checked = IncomingReadings.check(batch(reading("29463-7", 400, "kg", NOW)), NOW);
        assertThat(checked.observations().get(0).flags()).containsExactly(ObservationFlag.IMPLAUSIBLE);
        assertThat(checked.observations().get(0).usableForRules()).isFalse();
        ObservationBatch plausible = batch(reading("29463-7", 81, "kg", NOW));
        assertThat(IncomingReadings.check(plausible, NOW)).isSameAs(plausible);
    }

    @Test
    void aTimeBeyondTheNodesClockPlusTheToleranceIsRefused() {
        assertThatThrownBy(() ->
                        IncomingReadings.check(batch(reading("29463-7", 81, "kg", NOW.plus(Duration.ofDays(3)))), NOW))
                .hasMessageContaining("observation 1 effective")
                .hasMessageContaining("lies in the future");
    }

    /** A hub older than the change to g/L still sends 13.5 g/dL: stored as 135 g/L, never beside 135 as 13.5. */
    @Test
    void haemoglobinFromAnOlderHubInGramsPerDecilitreIsStoredInGramsPerLitre() {
        Observation stored = IncomingReadings.check(batch(reading("718-7", 13.5, "g/dL", NOW)), NOW)
                .observations()
                .get(0);
        assertThat(stored.value()).isEqualTo(135.0);
        assertThat(stored.unit()).isEqualTo("g/L");
    }
}
