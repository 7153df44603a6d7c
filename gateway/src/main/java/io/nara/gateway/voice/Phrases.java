package io.nara.gateway.voice;

import io.nara.protocol.message.AlertSeen.SeenBy;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the hub says, in Swedish, short and in the words a patient uses. Pure: which sentence for which event.
 *
 * <p>One reading may hold several codes (a cuff's systolic, diastolic, pulse): it is confirmed once, by the first
 * kind of measurement it holds in {@link #MEASURED}'s order, so a blood pressure with its pulse says "blodtrycket".
 */
public final class Phrases {

    /** The measurements the patient takes at home, most telling first, with their sentence. */
    private static final List<Map.Entry<List<String>, String>> MEASURED = List.of(
            Map.entry(List.of("8480-6", "8462-4", "8478-0"), "Blodtrycket är registrerat"),
            Map.entry(List.of("29463-7"), "Vikten är registrerad"),
            Map.entry(List.of("59408-5", "2708-6"), "Syremättnaden är registrerad"),
            Map.entry(List.of("8310-5"), "Temperaturen är registrerad"),
            Map.entry(List.of("15074-8", "2339-0", "2345-7"), "Blodsockret är registrerat"),
            Map.entry(List.of("8867-4"), "Pulsen är registrerad"));

    public static final String MEASUREMENT = "Mätningen är registrerad";
    public static final String NURSE_SAW = "Sjuksköterskan har sett ditt larm";
    public static final String DOCTOR_SAW = "Läkaren har sett ditt larm";

    private Phrases() {}

    /** The confirmation for one stored reading with these LOINC codes. */
    public static Utterance measured(Collection<String> codes) {
        for (Map.Entry<List<String>, String> e : MEASURED) {
            if (codes.stream().anyMatch(e.getKey()::contains)) {
                return new Utterance(e.getValue(), Utterance.Kind.CONFIRMATION);
            }
        }
        return new Utterance(MEASUREMENT, Utterance.Kind.CONFIRMATION);
    }

    /** The daily reminder for the measurements that are missing (LOINC codes); one sentence for all of them. */
    public static Utterance reminder(Collection<String> missing) {
        boolean weight = missing.contains("29463-7");
        boolean pressure = missing.stream().anyMatch(List.of("8480-6", "8462-4")::contains);
        String text;
        if (weight && pressure) {
            text = "Kom ihåg att väga dig och mäta blodtrycket";
        } else if (weight) {
            text = "Kom ihåg att väga dig i dag";
        } else if (pressure) {
            text = "Kom ihåg att mäta blodtrycket i dag";
        } else {
            text = "Kom ihåg dagens mätning";
        }
        return new Utterance(text, Utterance.Kind.REMINDER);
    }

    /** A nurse or a doctor acknowledged the patient's alert: never a name, only who they are to the patient. */
    public static Utterance seen(SeenBy by) {
        return new Utterance(by == SeenBy.DOCTOR ? DOCTOR_SAW : NURSE_SAW, Utterance.Kind.SEEN);
    }
}
