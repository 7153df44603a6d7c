package io.nara.ingest.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.ingest.auth.Principal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessLogSearchTest {

    @Test
    void timesAreInstantsOrSwedishLocalTimesOrWholeSwedishDays() {
        AccessLogSearch.Query q = AccessLogSearch.Query.parse(" patient-1 ", "", "2026-11-24T12:00", "2026-11-24");
        assertThat(q.patient()).isEqualTo("patient-1");
        assertThat(q.actor()).isNull();
        // Stockholm is UTC+1 in November; a date as the end means up to the end of that day.
        assertThat(q.from()).isEqualTo(Instant.parse("2026-11-24T11:00:00Z"));
        assertThat(q.to()).isEqualTo(Instant.parse("2026-11-24T23:00:00Z"));
        assertThat(AccessLogSearch.Query.parse(null, null, "2026-11-24T10:15:00Z", null)
                        .from())
                .isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
        assertThat(AccessLogSearch.Query.parse(null, null, "2026-11-24", null).from())
                .isEqualTo(Instant.parse("2026-11-23T23:00:00Z"));
    }

    @Test
    void aTimeThatIsNoTimeIsRefusedNamingTheParameterAndTheValue() {
        assertThatThrownBy(() -> AccessLogSearch.Query.parse(null, null, null, "next week"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("to")
                .hasMessageContaining("next week");
    }

    @Test
    void aRelativeIsNeitherStaffNorOperatorAndIsLoggedAsARelative() {
        Principal lena = Principal.ofRelative(7, "Lena Holm", "csrf");
        assertThat(lena.relative()).isTrue();
        assertThat(lena.actor()).isEqualTo("relative:7");
        assertThat(lena.teams()).isEmpty();
        assertThat(new Principal("anna", "Anna", List.of("t"), false, "c").relative())
                .isFalse();
        assertThatThrownBy(() -> new Principal("anna", "Anna", List.of("t"), false, "c", null, 7L))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
