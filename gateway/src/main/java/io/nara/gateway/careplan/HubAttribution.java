package io.nara.gateway.careplan;

import io.nara.devices.Measurement;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.vocabulary.Vocabulary;
import io.nara.rules.Attribution;
import java.util.List;

/** The pipeline's side of {@link Attribution}: takes the user index and the weight from the decoded measurements. */
public final class HubAttribution {

    private HubAttribution() {
    }

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
        return Attribution.patientFor(binding, config::carePlanFor, userIndex, weight).orElse(null);
    }
}
