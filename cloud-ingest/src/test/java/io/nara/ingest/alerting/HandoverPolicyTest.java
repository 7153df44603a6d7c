package io.nara.ingest.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.nara.ingest.org.OrganisationKind;
import io.nara.ingest.org.Team;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Who waits for a handed-over alert, and which teams it may be handed to, in which order. */
class HandoverPolicyTest {

    private static final ZoneId SE = ZoneId.of("Europe/Stockholm");
    private static final Team NURSES = team("nurses", "Hemsjukvård Norr", OrganisationKind.MUNICIPALITY, "doctors");
    private static final Team SOUTH = team("south", "Hemsjukvård Syd", OrganisationKind.MUNICIPALITY, "doctors");
    private static final Team DOCTORS = team("doctors", "Jourläkare", OrganisationKind.REGION, "mobile");
    private static final Team MOBILE = team("mobile", "Mobil närvård", OrganisationKind.REGION, null);
    private static final Map<String, Team> ALL =
            Map.of("nurses", NURSES, "south", SOUTH, "doctors", DOCTORS, "mobile", MOBILE);

    private static Team team(String id, String name, OrganisationKind kind, String escalatesTo) {
        return new Team(id, name, id + "-org", kind, escalatesTo, SE);
    }

    private static Optional<Team> lookup(String id) {
        return Optional.ofNullable(ALL.get(id));
    }

    @Test
    void theSendingTeamWaitsForTheReceivingOneUnlessThePersonIsInBoth() {
        List<String> waiting = HandoverPolicy.afterHandover(List.of(), "nurses", "doctors");
        assertThat(waiting).containsExactly("nurses");
        assertThat(HandoverPolicy.waitingFor(waiting, "doctors", List.of("nurses")))
                .hasValue("doctors");
        assertThat(HandoverPolicy.waitingFor(waiting, "doctors", List.of("doctors")))
                .isEmpty();
        assertThat(HandoverPolicy.waitingFor(waiting, "doctors", List.of("nurses", "doctors")))
                .as("a nurse who is in the doctors' team too acts as one of them")
                .isEmpty();
        assertThat(HandoverPolicy.waitingFor(waiting, "doctors", List.of("south")))
                .as("a team that handed nothing over is not held back")
                .isEmpty();
        // The timer escalates it on to the mobile team: the nurses still wait, now for the mobile team.
        assertThat(HandoverPolicy.waitingFor(waiting, "mobile", List.of("nurses")))
                .hasValue("mobile");
    }

    @Test
    void aHandoverBackToTheSendingTeamEndsItsWaitAndTheDoctorsWaitInstead() {
        List<String> back = HandoverPolicy.afterHandover(List.of("nurses"), "doctors", "nurses");
        assertThat(back).containsExactly("doctors");
        assertThat(HandoverPolicy.waitingFor(back, "nurses", List.of("nurses"))).isEmpty();
        assertThat(HandoverPolicy.waitingFor(back, "nurses", List.of("doctors")))
                .hasValue("nurses");
        assertThat(HandoverPolicy.afterHandover(List.of("nurses"), "doctors", "mobile"))
                .containsExactly("nurses", "doctors");
    }

    @Test
    void theEscalationChainComesFirstThenTheCareTeamsEachOnceAndNeverTheAlertsOwnTeam() {
        List<HandoverPolicy.Target> targets =
                HandoverPolicy.targets(NURSES, HandoverPolicyTest::lookup, List.of(NURSES, DOCTORS));
        assertThat(targets)
                .extracting(
                        t -> t.team().id(), HandoverPolicy.Target::escalationStep, HandoverPolicy.Target::careRelation)
                .containsExactly(tuple("doctors", 1, true), tuple("mobile", 2, false));
        assertThat(HandoverPolicy.escalationTarget(targets).map(Team::id)).hasValue("doctors");
        // Another municipality's team without a care relation is not offered; the doctors offer the nurses back.
        List<HandoverPolicy.Target> fromDoctors =
                HandoverPolicy.targets(DOCTORS, HandoverPolicyTest::lookup, List.of(NURSES, DOCTORS));
        assertThat(fromDoctors).extracting(t -> t.team().id()).containsExactly("mobile", "nurses");
    }

    @Test
    void aTeamWithoutEscalationTargetOffersItsCareTeamsOnlyAndALoopEnds() {
        List<HandoverPolicy.Target> targets =
                HandoverPolicy.targets(MOBILE, HandoverPolicyTest::lookup, List.of(NURSES, DOCTORS));
        assertThat(targets).extracting(t -> t.team().id()).containsExactly("nurses", "doctors");
        assertThat(HandoverPolicy.escalationTarget(targets)).isEmpty();
        Team a = team("a", "A", OrganisationKind.REGION, "b");
        Team b = team("b", "B", OrganisationKind.REGION, "a");
        assertThat(HandoverPolicy.targets(a, id -> Optional.of(id.equals("a") ? a : b), List.of()))
                .extracting(t -> t.team().id())
                .containsExactly("b");
    }
}
