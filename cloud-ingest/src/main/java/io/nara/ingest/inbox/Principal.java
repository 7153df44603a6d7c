package io.nara.ingest.inbox;

import java.util.List;

/**
 * Who is asking: a signed-in person with their teams, a journal system (a FHIR client acting for its teams), or the
 * operator (the API key), who sees everything.
 *
 * @param csrfToken the token state-changing requests of this session must carry; null for the operator and clients
 * @param clientId  the journal system's id ({@code fhir_client}); null for people and the operator
 */
public record Principal(String personId, String name, List<String> teams, boolean operator, String csrfToken,
                        String clientId) {

    public static Principal theOperator() {
        return new Principal(null, "operator", List.of(), true, null);
    }

    /** A journal system that sees the patients of {@code teams}' care relations and holds no clinical role. */
    public static Principal journalClient(String clientId, String name, List<String> teams) {
        return new Principal(null, name, teams, false, null, clientId);
    }

    public Principal {
        teams = List.copyOf(teams);
    }

    /** A person or the operator. */
    public Principal(String personId, String name, List<String> teams, boolean operator, String csrfToken) {
        this(personId, name, teams, operator, csrfToken, null);
    }

    public boolean journalClient() {
        return clientId != null;
    }

    /** The name in access logs and the trail. */
    public String actor() {
        return operator ? "operator" : clientId != null ? "fhir-client:" + clientId : "person:" + personId;
    }
}
