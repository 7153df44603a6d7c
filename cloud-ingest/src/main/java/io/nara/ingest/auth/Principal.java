package io.nara.ingest.auth;

import java.util.List;

/**
 * Who is asking: a signed-in person with their teams; an operator (a personal operator account, or the API key for
 * programs), who sees everything; a journal system
 * (a FHIR client acting for its teams); or a relative of a patient (signed in like a person, but with no team and no
 * care relation: they see only what the patient's consent allows, through {@code /api/relative/*}, and nothing of the
 * staff's API); or a member of home-care staff (hemtjänst: a person whose every team membership is
 * {@code HOME_CARE_STAFF}), who sees only what is theirs, through {@code /api/homecare/*}: the patients their teams
 * serve, their own reports and their tasks, never readings, trends, alerts or care plans.
 *
 * @param csrfToken  the token state-changing requests of this session must carry; null for the operator and clients
 * @param clientId   the journal system's id ({@code fhir_client}); null for everyone else
 * @param relativeId the relative's id when a relative signed in, else null (then {@code personId} is null too)
 * @param homeCare   whether the person is home-care staff only
 */
public record Principal(
        String personId,
        String name,
        List<String> teams,
        boolean operator,
        String csrfToken,
        String clientId,
        Long relativeId,
        boolean homeCare) {

    /** A person or the operator. */
    public Principal(String personId, String name, List<String> teams, boolean operator, String csrfToken) {
        this(personId, name, teams, operator, csrfToken, null, null, false);
    }

    /** Anyone but home-care staff. */
    public Principal(
            String personId,
            String name,
            List<String> teams,
            boolean operator,
            String csrfToken,
            String clientId,
            Long relativeId) {
        this(personId, name, teams, operator, csrfToken, clientId, relativeId, false);
    }

    /** A member of home-care staff, who may use only {@code /api/homecare/*}. */
    public static Principal homeCareStaff(String personId, String name, List<String> teams, String csrfToken) {
        return new Principal(personId, name, teams, false, csrfToken, null, null, true);
    }

    public static Principal theOperator() {
        return new Principal(null, "operator", List.of(), true, null);
    }

    public static Principal ofRelative(long relativeId, String name, String csrfToken) {
        return new Principal(null, name, List.of(), false, csrfToken, null, relativeId);
    }

    /** A journal system that sees the patients of {@code teams}' care relations and holds no clinical role. */
    public static Principal journalClient(String clientId, String name, List<String> teams) {
        return new Principal(null, name, teams, false, null, clientId, null);
    }

    public Principal {
        teams = List.copyOf(teams);
        if (relativeId != null && (personId != null || operator || clientId != null || !teams.isEmpty())) {
            throw new IllegalArgumentException(
                    "a relative is neither a person of the staff, a client nor the operator");
        }
        if (homeCare && (personId == null || operator)) {
            throw new IllegalArgumentException("home-care staff are a person, not the operator");
        }
    }

    /** Whether a relative signed in. */
    public boolean relative() {
        return relativeId != null;
    }

    public boolean journalClient() {
        return clientId != null;
    }

    /** The name in access logs and the trail. */
    public String actor() {
        return operator && personId == null
                ? "operator"
                : clientId != null
                        ? "fhir-client:" + clientId
                        : relativeId != null ? "relative:" + relativeId : "person:" + personId;
    }
}
