package io.nara.ingest.alerting;

import io.nara.ingest.org.Team;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The routing decision, pure: from a starting team, follow the escalation chain until a team has someone on duty.
 * An alert never waits at a team where nobody is working: that is where silence would swallow it.
 */
public final class RoutingPolicy {

    private RoutingPolicy() {}

    /**
     * @param startTeam the team the care plan or the care relation names
     * @param startTier the tier of {@code startTeam} (0 for a new alert, the next tier when escalating)
     * @param teams     looks a team up by id
     * @param onDuty    who of a team is on duty now
     */
    public static RouteDecision route(
            String startTeam,
            int startTier,
            Function<String, Optional<Team>> teams,
            Function<Team, Set<String>> onDuty) {
        List<String> skipped = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        Team last = null;
        int tier = startTier;
        int lastTier = startTier;
        for (String id = startTeam; id != null && visited.add(id); id = last.escalatesTo(), tier++) {
            Optional<Team> team = teams.apply(id);
            if (team.isEmpty()) {
                break;
            }
            last = team.get();
            lastTier = tier;
            Set<String> people = onDuty.apply(last);
            if (!people.isEmpty()) {
                return new RouteDecision(last.id(), tier, List.copyOf(people), skipped, false);
            }
            skipped.add(last.id());
        }
        if (last == null) {
            throw new IllegalArgumentException("unknown team " + startTeam);
        }
        // Nobody anywhere: the last tier stays accountable (it is the most senior), flagged for the operator.
        skipped.remove(skipped.size() - 1);
        return new RouteDecision(last.id(), lastTier, List.of(), skipped, true);
    }
}
