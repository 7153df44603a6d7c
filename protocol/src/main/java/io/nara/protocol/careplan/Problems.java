package io.nara.protocol.careplan;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the problems a record's constructor finds, instead of stopping at the first: a doctor who saves a plan
 * with three mistakes is told all three. {@link #throwIfAny()} ends the constructor.
 */
final class Problems {

    private final List<PlanProblem> found = new ArrayList<>();

    /** Runs one check; what it throws becomes a problem of {@code field} (a nested part's keep their own fields). */
    void check(String field, Runnable check) {
        try {
            check.run();
        } catch (InvalidCarePlanException e) {
            e.problems().forEach(p -> found.add(p.under(field)));
        } catch (IllegalArgumentException e) {
            found.add(new PlanProblem(field, e.getMessage()));
        }
    }

    void add(String field, String message) {
        found.add(new PlanProblem(field, message));
    }

    void throwIfAny() {
        if (!found.isEmpty()) {
            throw new InvalidCarePlanException(found);
        }
    }
}
