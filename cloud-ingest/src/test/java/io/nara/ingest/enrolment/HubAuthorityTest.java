package io.nara.ingest.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.Alert;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A hub speaks only for the patients and devices the cloud bound to it, with grace for a change in flight. */
class HubAuthorityTest {

    private static final Instant T = Instant.parse("2026-12-06T08:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(5);

    private static Observation reading(long seq, String patient, String device, Instant received) {
        return new Observation(seq, patient, device, "8480-6", 120.0, "mm[Hg]", received, received, Set.of());
    }

    private static Alert alert(String patient, Instant raised) {
        return new Alert(
                9,
                patient,
                "systolic-low",
                Severity.URGENT,
                "8480-6",
                85.0,
                "mm[Hg]",
                "low",
                raised,
                1,
                "1",
                null,
                null);
    }

    @Test
    void aBoundDeviceReportsForItsPatientOnly() {
        HubAuthority hub = new HubAuthority(
                "hub-a",
                5L,
                List.of(new HubAuthority.Binding("cuff-1", "anna", Set.of(), null, null)),
                List.of(new HubAuthority.Member("anna", null, null)),
                GRACE);
        assertThat(hub.refuse(reading(1, "anna", "cuff-1", T))).isEmpty();
        assertThat(hub.refuse(reading(2, "bo", "cuff-1", T))).get().asString().contains("not bound to patient bo");
        assertThat(hub.refuse(reading(3, "anna", "cuff-9", T)))
                .get()
                .asString()
                .contains("device cuff-9 is not bound to hub hub-a");
    }

    @Test
    void aTabletPairedAtTheHubSendsOnlyItsPatientsSymptoms() {
        HubAuthority hub =
                new HubAuthority("hub-a", 5L, List.of(), List.of(new HubAuthority.Member("anna", null, null)), GRACE);
        Observation chestPain =
                new Observation(1, "anna", "tablet-1", "29857009", 1.0, "{presence}", null, T, Set.of());
        assertThat(hub.refuse(chestPain)).isEmpty();
        assertThat(hub.refuse(chestPain.withPatient("bo")))
                .as("a patient not of this household")
                .get()
                .asString()
                .contains("not bound to hub");
        assertThat(hub.refuse(reading(2, "anna", "tablet-1", T)))
                .as("a blood pressure is no tablet's to send")
                .get()
                .asString()
                .contains("device tablet-1 is not bound to hub hub-a");
        assertThat(hub.refuse(new Observation(3, null, "tablet-1", "29857009", 1.0, "{presence}", null, T, Set.of())))
                .as("an answer names its patient")
                .isPresent();
    }

    @Test
    void aHubTheCloudBoundNothingToMaySpeakForNoOne() {
        HubAuthority stranger = new HubAuthority("hub-dev-3", null, List.of(), List.of(), GRACE);
        assertThat(stranger.refuse(reading(1, "patient-demo-1", "sim-cuff-1", T)))
                .isPresent();
        assertThat(stranger.refuse(alert("patient-demo-1", T)))
                .get()
                .asString()
                .contains("patient patient-demo-1 is not bound to hub hub-dev-3");
    }

    @Test
    void aSharedDeviceServesItsUsersOrTheWholeHousehold() {
        HubAuthority couple = new HubAuthority(
                "hub-c",
                null,
                List.of(
                        new HubAuthority.Binding("scale-1", null, Set.of("greta", "gustav"), null, null),
                        new HubAuthority.Binding("cuff-1", null, Set.of(), null, null)),
                List.of(new HubAuthority.Member("greta", null, null), new HubAuthority.Member("gustav", null, null)),
                GRACE);
        assertThat(couple.refuse(reading(1, "gustav", "scale-1", T))).isEmpty();
        assertThat(couple.refuse(reading(2, null, "scale-1", T)))
                .as("unattributed: the nurses assign it")
                .isEmpty();
        assertThat(couple.refuse(reading(3, "greta", "cuff-1", T))).isEmpty();
        assertThat(couple.refuse(reading(4, "stranger", "cuff-1", T))).isPresent();
    }

    @Test
    void aRetiredBindingStillCoversReadingsTakenBeforeAndWhileTheHubHasNotAppliedTheChange() {
        Instant retired = T;
        HubAuthority hub = new HubAuthority(
                "hub-a",
                10L,
                List.of(new HubAuthority.Binding("cuff-old", "anna", Set.of(), retired, 11L)),
                List.of(new HubAuthority.Member("anna", null, null)),
                GRACE);
        // Taken before the retirement, replayed from the outbox a week later: accepted.
        assertThat(hub.refuse(reading(1, "anna", "cuff-old", T.minus(Duration.ofHours(2)))))
                .isEmpty();
        // Taken after it, while the hub still runs version 10 (the change in flight): accepted.
        assertThat(hub.refuse(reading(2, "anna", "cuff-old", T.plus(Duration.ofHours(1)))))
                .isEmpty();
        // Once the hub applied version 11, a reading of the old cuff is refused.
        HubAuthority applied = new HubAuthority("hub-a", 11L, hub.bindings(), hub.members(), GRACE);
        assertThat(applied.refuse(reading(3, "anna", "cuff-old", T.plus(Duration.ofHours(1)))))
                .isPresent();
        assertThat(applied.refuse(reading(4, "anna", "cuff-old", T.plus(Duration.ofMinutes(4)))))
                .as("grace")
                .isEmpty();
    }

    @Test
    void aPatientWhoLeftTheHouseholdIsRefusedAfterwards() {
        HubAuthority hub =
                new HubAuthority("hub-a", 3L, List.of(), List.of(new HubAuthority.Member("anna", T, null)), GRACE);
        assertThat(hub.refuse(alert("anna", T.minusSeconds(60)))).isEmpty();
        assertThat(hub.refuse(alert("anna", T.plus(Duration.ofHours(1))))).isPresent();
    }
}
