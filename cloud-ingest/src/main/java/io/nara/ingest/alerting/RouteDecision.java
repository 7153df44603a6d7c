package io.nara.ingest.alerting;

import java.util.List;

/**
 * Where an alert goes.
 *
 * @param teamId    the team that is now responsible
 * @param tier      0 for the first team, one more for each tier passed
 * @param people    who of that team is on duty and is told
 * @param skipped   teams passed over because nobody was on duty there, in order
 * @param unstaffed true when nobody was on duty on any tier: the alert stays with {@code teamId} and the operator must
 *                  see it
 */
public record RouteDecision(String teamId, int tier, List<String> people, List<String> skipped, boolean unstaffed) {

    public RouteDecision {
        people = List.copyOf(people);
        skipped = List.copyOf(skipped);
    }
}
