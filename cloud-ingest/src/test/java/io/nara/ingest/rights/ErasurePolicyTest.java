package io.nara.ingest.rights;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.ingest.retention.Retention;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ErasurePolicyTest {

    private static final Duration TEN_YEARS = Retention.JOURNAL_FLOOR;
    private static final Instant LAST = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void aPatientStillMonitoredIsNeverErasedNotEvenWithAnIvoDecision() {
        var d = ErasurePolicy.decide(
                new ErasurePolicy.Facts(true, LAST),
                LAST.plus(Duration.ofDays(5000)),
                TEN_YEARS,
                "IVO 3.5.1-12345/2026");
        assertThat(d.allowed()).isFalse();
        assertThat(d.refusal()).contains("monitoring has not ended");
    }

    @Test
    void beforeTheRetentionPeriodHasPassedOnlyAnIvoDecisionAllowsIt() {
        Instant now = LAST.plus(Duration.ofDays(400));
        var refused = ErasurePolicy.decide(new ErasurePolicy.Facts(false, LAST), now, TEN_YEARS, " ");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusal())
                .contains("must be kept until 2036-02-27")
                .contains("last entry on 2026-03-01")
                .contains("decision of IVO");
        var ivo = ErasurePolicy.decide(new ErasurePolicy.Facts(false, LAST), now, TEN_YEARS, "3.5.1-12345/2026");
        assertThat(ivo.allowed()).isTrue();
        assertThat(ivo.basis()).contains("3.5.1-12345/2026").contains("ch. 8, s. 4");
    }

    @Test
    void afterTheRetentionPeriodTheRecordMayBeErased() {
        var justBefore = ErasurePolicy.decide(
                new ErasurePolicy.Facts(false, LAST), LAST.plus(TEN_YEARS).minusSeconds(1), TEN_YEARS, null);
        assertThat(justBefore.allowed()).isFalse();
        var after = ErasurePolicy.decide(new ErasurePolicy.Facts(false, LAST), LAST.plus(TEN_YEARS), TEN_YEARS, null);
        assertThat(after.allowed()).isTrue();
        assertThat(after.basis()).contains("retention period has passed (last entry 2026-03-01");
    }

    @Test
    void statementParametersInsideQuotedJsonPathsAreNotCounted() {
        assertThat(PatientErasure.parameters("UPDATE t SET a = ? WHERE jsonb_path_exists(d, '$.** ? (@.p == $p)', "
                        + "jsonb_build_object('p', ?::text))"))
                .isEqualTo(2);
    }
}
