package io.nara.gateway.careplan;

import io.nara.devices.Measurement;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.vocabulary.Vocabulary;
import io.nara.rules.Attribution;
import java.util.List;
import java.util.Locale;

/** The pipeline's side of {@link Attribution}: takes the user index and the weight from the decoded measurements. */
public final class HubAttribution {

    private HubAttribution() {}

    /** The patient the reading belongs to, or null when it must be held as unattributed. */
    public static String patientFor(DeviceBinding binding, HubConfig config, List<Measurement> measurements) {
        Integer userIndex = null;
        Double weight = null;
        for (Measurement m : measurements) {
            if (userIndex == null && m.userIndex() != null) {
                userIndex = m.userIndex();
            }
            if (weight == null && m.value() != null && m.code().equals(Vocabulary.BODY_WEIGHT)) {
                weight = m.value();
            }
        }
        return Attribution.patientFor(binding, config::carePlanFor, userIndex, weight)
                .orElse(null);
    }

    /**
     * What a device's own statement of whose sample it measured (an analyzer's patient id) says against the binding.
     *
     * @param patientId the bound patient it names (for a shared analyzer, the user it names), or null when it names
     *                  nobody this hub can check: then the binding alone decides, as for a scale
     * @param problem   why the reading is not the bound patient's, or null
     */
    public record Stated(String patientId, String problem) {
        static final Stated UNCHECKED = new Stated(null, null);
    }

    /**
     * Compares the patient id an analyzer sent with the national id the cloud gave for the bound patient (or each user
     * of a shared analyzer). A result that names another person is someone else's blood: never the bound patient's.
     * An analyzer that sends no id, or a patient the config gives no national id for, cannot be checked: the binding
     * decides, as it does for every device that cannot say whose reading it took.
     */
    public static Stated stated(DeviceBinding binding, HubConfig config, String statedId) {
        if (statedId == null || statedId.isBlank()) {
            return Stated.UNCHECKED;
        }
        List<String> candidates = binding.shared()
                ? binding.users().stream()
                        .map(DeviceBinding.DeviceUser::patientId)
                        .toList()
                : List.of(binding.patientId());
        boolean known = false;
        for (String patient : candidates) {
            var nationalId = config.nationalIdOf(patient);
            if (nationalId.isPresent()) {
                known = true;
                if (sameIdentity(statedId, nationalId.get())) {
                    return new Stated(patient, null);
                }
            }
        }
        if (!known) {
            return Stated.UNCHECKED;
        }
        return new Stated(
                null,
                "the analyzer names patient " + masked(statedId) + ", who is not "
                        + (binding.shared()
                                ? "a user of device " + binding.deviceId() + " (" + String.join(", ", candidates) + ")"
                                : "patient " + binding.patientId() + ", to whom device " + binding.deviceId()
                                        + " is bound"));
    }

    /**
     * A personnummer or samordningsnummer matches however it was typed (10 or 12 digits, with or without '-' or
     * '+'): its last ten digits, which hold the check digit, decide. Anything else (a reserve number) matches by its
     * letters and digits, case-insensitively.
     */
    static boolean sameIdentity(String a, String b) {
        String x = normalised(a);
        String y = normalised(b);
        if (isNationalNumber(x) && isNationalNumber(y)) {
            return x.substring(x.length() - 10).equals(y.substring(y.length() - 10));
        }
        return !x.isEmpty() && x.equals(y);
    }

    private static boolean isNationalNumber(String s) {
        return s.matches("\\d{10}|\\d{12}");
    }

    private static String normalised(String s) {
        return s.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
    }

    /** Enough of another person's id for the nurse to recognise it, not the whole number. */
    static String masked(String id) {
        String t = id.trim();
        return t.length() <= 4 ? "****" : t.substring(0, t.length() - 4) + "****";
    }
}
