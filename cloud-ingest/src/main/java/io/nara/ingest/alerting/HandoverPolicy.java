package io.nara.ingest.alerting;

import io.nara.ingest.org.Team;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Who may still act on a handed-over alert, and which teams an alert may be handed to (decision 0042). Pure.
 *
 * <p>A team that hands an alert over (or escalates it by hand) waits for the team it lies with: its members see it
 * read-only until it comes back to them, so one click cannot take it back from the receiving team. A person who is in
 * the receiving team too acts as a member of it.
 */
public final class HandoverPolicy {

    /** Longer escalation chains than this are a loop in the organisation's data, not a chain. */
    private static final int MAX_CHAIN = 16;

    /**
     * A team an alert may be handed to.
     *
     * @param escalationStep 1 for the alert's team's escalation target, 2 for the one after it, ...; null when the
     *     team is not on the chain
     * @param careRelation   whether the team has a care relation with the patient in force now
     */
    public record Target(Team team, Integer escalationStep, boolean careRelation) {}

    private HandoverPolicy() {}

    /**
     * The team whose answer the person waits for: the alert's team, when one of the person's teams handed the alert
     * over and the person is not in the alert's team. Empty when the person may act.
     */
    public static Optional<String> waitingFor(
            Collection<String> handedOverFrom, String alertTeamId, Collection<String> personTeams) {
        if (alertTeamId == null || personTeams.contains(alertTeamId)) {
            return Optional.empty();
        }
        return handedOverFrom.stream().anyMatch(personTeams::contains) ? Optional.of(alertTeamId) : Optional.empty();
    }

    /**
     * The waiting teams after a handover from {@code fromTeamId} to {@code toTeamId}: the sending team joins them, the
     * receiving team (when the alert comes back to it) leaves them.
     */
    public static List<String> afterHandover(Collection<String> handedOverFrom, String fromTeamId, String toTeamId) {
        Set<String> waiting = new LinkedHashSet<>(handedOverFrom);
        if (fromTeamId != null) {
            waiting.add(fromTeamId);
        }
        waiting.remove(toTeamId);
        return List.copyOf(waiting);
    }

    /**
     * The teams an alert lying with {@code alertTeam} may be handed to: its escalation chain first, in order (the
     * escalation target first of all), then the teams with a care relation to the patient in force, as given; each
     * team once, never the alert's own team.
     */
    public static List<Target> targets(Team alertTeam, Function<String, Optional<Team>> lookup, List<Team> careTeams) {
        Map<String, Target> targets = new LinkedHashMap<>();
        Set<String> careIds = new LinkedHashSet<>();
        careTeams.forEach(t -> careIds.add(t.id()));
        String next = alertTeam == null ? null : alertTeam.escalatesTo();
        int step = 1;
        while (next != null && step <= MAX_CHAIN && !targets.containsKey(next) && !next.equals(alertTeam.id())) {
            Optional<Team> team = lookup.apply(next);
            if (team.isEmpty()) {
                break;
            }
            targets.put(next, new Target(team.get(), step, careIds.contains(next)));
            next = team.get().escalatesTo();
            step++;
        }
        for (Team t : careTeams) {
            if (alertTeam != null && t.id().equals(alertTeam.id())) {
                continue;
            }
            targets.putIfAbsent(t.id(), new Target(t, null, true));
        }
        return new ArrayList<>(targets.values());
    }

    /** The escalation target (step 1) among {@code targets}, if the alert's team has one. */
    public static Optional<Team> escalationTarget(List<Target> targets) {
        return targets.stream()
                .filter(t -> Integer.valueOf(1).equals(t.escalationStep()))
                .map(Target::team)
                .findFirst();
    }
}
