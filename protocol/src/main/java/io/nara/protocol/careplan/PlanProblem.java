package io.nara.protocol.careplan;

/**
 * One problem of a care-plan document, for the doctor who wrote it.
 *
 * @param field   where in the document, as a JSON path without the root: {@code rules[2].above}, {@code zone}; empty
 *                for the document as a whole
 * @param message what is wrong, naming the rule where there is one
 */
public record PlanProblem(String field, String message) {

    public PlanProblem {
        field = field == null ? "" : field;
    }

    /** The same problem seen from the part that holds this one: {@code under("rules[2]")} of {@code above}. */
    public PlanProblem under(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return this;
        }
        if (field.isEmpty()) {
            return new PlanProblem(prefix, message);
        }
        return new PlanProblem(field.startsWith("[") ? prefix + field : prefix + "." + field, message);
    }
}
