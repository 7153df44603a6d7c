package io.nara.ingest.inbox;

import java.util.List;

/**
 * Who is asking: a signed-in person with their teams, or the operator (the API key), who sees everything.
 *
 * @param csrfToken the token state-changing requests of this session must carry; null for the operator
 */
public record Principal(String personId, String name, List<String> teams, boolean operator, String csrfToken) {

    public static Principal theOperator() {
        return new Principal(null, "operator", List.of(), true, null);
    }

    public Principal {
        teams = List.copyOf(teams);
    }

    /** The name in access logs and the trail. */
    public String actor() {
        return operator ? "operator" : "person:" + personId;
    }
}
