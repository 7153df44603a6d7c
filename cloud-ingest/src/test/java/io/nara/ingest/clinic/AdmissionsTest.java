package io.nara.ingest.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionsTest {

    private static final Instant DAY0 = Instant.parse("2026-09-01T10:00:00Z");

    private static Admissions.Admission stay(long id, int admittedDay, Integer dischargedDay) {
        return new Admissions.Admission(
                id,
                "p",
                DAY0.plusSeconds(admittedDay * 86_400L),
                dischargedDay == null ? null : DAY0.plusSeconds(dischargedDay * 86_400L),
                "hjärtsvikt",
                "anna",
                "Anna",
                DAY0,
                null,
                null,
                null,
                null);
    }

    @Test
    void aStayBegunWithinThirtyDaysOfTheLatestEarlierDischargeIsAReadmission() {
        // Newest first, as the list is: 3 began 20 days after 2's discharge; 2 began 40 days after 1's.
        List<Admissions.Admission> marked =
                Admissions.markReadmissions(List.of(stay(3, 70, null), stay(2, 40, 50), stay(1, 0, 0 + 5)));
        assertThat(marked).extracting(Admissions.Admission::id).containsExactly(3L, 2L, 1L);
        assertThat(marked.get(0).readmission())
                .isEqualTo(new Admissions.Readmission(2, DAY0.plusSeconds(50 * 86_400L), 20));
        assertThat(marked.get(1).readmission())
                .as("35 days after the first discharge")
                .isNull();
        assertThat(marked.get(2).readmission()).isNull();
    }

    @Test
    void exactlyThirtyDaysCountsAndThirtyDaysAndASecondDoesNot() {
        Admissions.Admission first = stay(1, 0, 1);
        Admissions.Admission onTheDay = stay(2, 31, null);
        assertThat(Admissions.markReadmissions(List.of(onTheDay, first))
                        .get(0)
                        .readmission()
                        .days())
                .isEqualTo(30);
        Admissions.Admission late = new Admissions.Admission(
                3, "p", onTheDay.admittedAt().plusSeconds(1), null, "x", "anna", "Anna", DAY0, null, null, null, null);
        assertThat(Admissions.markReadmissions(List.of(late, first)).get(0).readmission())
                .isNull();
    }

    @Test
    void anOngoingStayOrOneEndingAfterTheAdmissionIsNoPreviousDischarge() {
        // Stay 2 is still going on; stay 1 overlaps stay 3's admission: neither makes 3 a readmission.
        assertThat(Admissions.markReadmissions(List.of(stay(3, 10, null), stay(2, 5, null), stay(1, 0, 12)))
                        .get(0)
                        .readmission())
                .isNull();
    }

    @Test
    void messagesGiveTimesInSwedishLocalTime() {
        assertThat(Admissions.local(Instant.parse("2026-11-19T09:00:00Z"))).isEqualTo("2026-11-19 10:00");
        assertThat(Admissions.local(Instant.parse("2026-07-01T08:00:00Z"))).isEqualTo("2026-07-01 10:00");
    }
}
