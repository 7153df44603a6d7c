package io.nara.rules;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.DeviceBinding;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whose reading is it? A device of one patient: that patient. A shared scale or cuff: the patient the device's user
 * index names; without an index, the one patient whose care-plan weight band holds the weight; otherwise nobody, and
 * the reading is held as unattributed for the nurse to assign. Never a guess: a wrong patient's reading would feed
 * the wrong care plan.
 */
public final class Attribution {

    private Attribution() {}

    /**
     * @param binding   the device's binding
     * @param plans     the care plan of a patient, if the hub has one
     * @param userIndex the device's user index for this reading; null when it gave none
     * @param weightKg  the reading's body weight; null when it has none (or it failed)
     */
    public static Optional<String> patientFor(
            DeviceBinding binding, Function<String, Optional<CarePlan>> plans, Integer userIndex, Double weightKg) {
        if (!binding.shared()) {
            return Optional.of(binding.patientId());
        }
        if (userIndex != null) {
            // A known index names its user; an unknown one (a guest) is nobody's, not the weight band's.
            return binding.users().stream()
                    .filter(u -> userIndex.equals(u.userIndex()))
                    .findFirst()
                    .map(DeviceBinding.DeviceUser::patientId);
        }
        if (weightKg == null) {
            return Optional.empty();
        }
        String match = null;
        for (DeviceBinding.DeviceUser user : binding.users()) {
            var band = plans.apply(user.patientId()).map(CarePlan::weightBand).orElse(null);
            if (band != null && band.contains(weightKg)) {
                if (match != null) {
                    return Optional.empty(); // in two bands: ambiguous
                }
                match = user.patientId();
            }
        }
        return Optional.ofNullable(match);
    }
}
