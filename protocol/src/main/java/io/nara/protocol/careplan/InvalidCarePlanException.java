package io.nara.protocol.careplan;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A care plan, or a part of one, with at least one problem. It names every problem its part found, each with its
 * field, so the doctor's editor can mark them all at once instead of one per save.
 */
public final class InvalidCarePlanException extends IllegalArgumentException {

    private final List<PlanProblem> problems;

    public InvalidCarePlanException(List<PlanProblem> problems) {
        super(problems.stream().map(PlanProblem::message).collect(Collectors.joining("; ")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid care plan needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<PlanProblem> problems() {
        return problems;
    }
}
