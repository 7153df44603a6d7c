package io.nara.protocol.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ExpectedMeasurement;
import io.nara.protocol.careplan.InvalidCarePlanException;
import io.nara.protocol.careplan.PlanProblem;
import io.nara.protocol.careplan.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a care-plan document as a doctor's editor sends it and names every problem in it, each with its field path
 * ({@code rules[2].above}), instead of the first one Jackson meets.
 *
 * <p>A valid plan is bound once. Binding a whole plan stops at the first part whose constructor refuses, so when it
 * fails each rule and expected measurement is bound on its own to find the rest. Checks across rules (two rules with one id, an episode mixing hub and cloud rules) need
 * every rule bound, so they are reported once each rule is valid on its own; the plan's own fields are checked either
 * way.
 */
final class CarePlanReader {

    private final ObjectMapper mapper;

    CarePlanReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    CarePlan read(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            throw new InvalidCarePlanException(List.of(new PlanProblem("", "a care plan is a JSON object")));
        }
        List<PlanProblem> whole = new ArrayList<>();
        Optional<CarePlan> plan = bind(tree, CarePlan.class, "", whole);
        if (plan.isPresent()) {
            return plan.get();
        }
        List<PlanProblem> problems = new ArrayList<>();
        each(tree.get("rules"), "rules", Rule.class, problems);
        each(tree.get("expected"), "expected", ExpectedMeasurement.class, problems);
        JsonNode discharge = tree.get("postDischarge");
        if (discharge != null && discharge.isObject()) {
            each(discharge.get("rules"), "postDischarge.rules", Rule.class, problems);
        }
        if (problems.isEmpty()) {
            // Every part is valid on its own: what the whole refused are the checks across parts and the plan's fields.
            throw new InvalidCarePlanException(whole);
        }
        // The parts already reported are left out, so what follows are the plan's own fields.
        ObjectNode shell = tree.deepCopy();
        emptyArray(shell, "rules");
        emptyArray(shell, "expected");
        if (shell.get("postDischarge") instanceof ObjectNode d) {
            emptyArray(d, "rules");
        }
        bind(shell, CarePlan.class, "", problems);
        throw new InvalidCarePlanException(problems);
    }

    private void each(JsonNode array, String field, Class<?> type, List<PlanProblem> into) {
        if (array == null || array.isNull()) {
            return;
        }
        if (!array.isArray()) {
            into.add(new PlanProblem(field, field + " must be a list"));
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            String at = field + "[" + i + "]";
            if (array.get(i).isNull()) {
                into.add(new PlanProblem(at, "empty entry in " + field));
            } else {
                bind(array.get(i), type, at, into);
            }
        }
    }

    private static void emptyArray(ObjectNode node, String field) {
        if (node.has(field)) {
            node.set(field, node.arrayNode());
        }
    }

    private <T> Optional<T> bind(JsonNode node, Class<T> type, String prefix, List<PlanProblem> into) {
        try {
            return Optional.ofNullable(mapper.treeToValue(node, type));
        } catch (JsonMappingException e) {
            String path = MessageCodec.fieldPath(e);
            InvalidCarePlanException ours = find(e);
            if (ours != null) {
                ours.problems().forEach(p -> into.add(p.under(path).under(prefix)));
            } else {
                into.add(new PlanProblem(path, MessageCodec.innermostReason(e)).under(prefix));
            }
            return Optional.empty();
        } catch (JsonProcessingException e) {
            into.add(new PlanProblem(prefix, e.getOriginalMessage()));
            return Optional.empty();
        }
    }

    private static InvalidCarePlanException find(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof InvalidCarePlanException found) {
                return found;
            }
        }
        return null;
    }
}
