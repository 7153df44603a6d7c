package io.nara.gateway.tablet;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The daily questions the tablet asks: the symptoms a patient can judge alone (not confusion, a fall or poor
 * appetite, which the people around them report), those the plan's rules name, else the heart-failure set. Pure.
 */
public final class TabletQuestions {

    /** One question, Swedish first; {@code adviceIfYes} is told to the patient on a "yes" (null: nothing). */
    public record Question(String code, String sv, String en, String adviceIfYes) {}

    private static final Map<ClinicalCode, Question> ASKED = Map.of(
            Vocabulary.DYSPNOEA,
            new Question(
                    Vocabulary.DYSPNOEA.code(),
                    "Är du mer andfådd än vanligt?",
                    "Are you more breathless than usual?",
                    null),
            Vocabulary.OEDEMA,
            new Question(
                    Vocabulary.OEDEMA.code(),
                    "Är dina ben eller fötter mer svullna?",
                    "Are your legs or feet more swollen?",
                    null),
            Vocabulary.ORTHOPNOEA,
            new Question(
                    Vocabulary.ORTHOPNOEA.code(),
                    "Har du behövt sova sittande eller med höjd huvudända i natt?",
                    "Did you have to sleep sitting up last night?",
                    null),
            Vocabulary.DIZZINESS,
            new Question(Vocabulary.DIZZINESS.code(), "Har du känt dig yr?", "Have you felt dizzy?", null),
            Vocabulary.CHEST_PAIN,
            new Question(
                    Vocabulary.CHEST_PAIN.code(),
                    "Har du ont i bröstet?",
                    "Do you have chest pain?",
                    "Vid svår bröstsmärta: ring 112 nu. Sjuksköterskan har fått ett larm. / "
                            + "If the chest pain is severe: call 112 now. The nurse has been alerted."));

    private TabletQuestions() {}

    /** The questions for a patient's plan, in the vocabulary's order; the heart-failure set when none is named. */
    public static List<Question> forPlan(CarePlan plan) {
        Set<String> named = plan == null
                ? Set.of()
                : plan.allRules().stream().flatMap(r -> r.codes().stream()).collect(Collectors.toSet());
        List<Question> chosen = Vocabulary.SYMPTOMS.stream()
                .filter(ASKED::containsKey)
                .filter(c -> named.contains(c.code()))
                .map(ASKED::get)
                .toList();
        return chosen.isEmpty()
                ? Vocabulary.SYMPTOMS.stream()
                        .filter(ASKED::containsKey)
                        .map(ASKED::get)
                        .toList()
                : chosen;
    }

    /** Whether a patient answers this code at the tablet (the cloud accepts only these from a tablet). */
    public static boolean askable(String code) {
        return ASKED.keySet().stream().anyMatch(c -> c.code().equals(code));
    }
}
