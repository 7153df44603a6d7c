package io.nara.ingest.org;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Who of a team is on duty at a moment. Pure: the slots and shifts come from {@link OrgDirectory}. */
public record Schedule(ZoneId zone, List<OnCallSlot> slots, List<OnCallShift> shifts) {

    public Schedule {
        slots = List.copyOf(slots);
        shifts = List.copyOf(shifts);
    }

    /** The people on duty at {@code at}, sorted so that notifications and tests see a stable order. */
    public Set<String> onDuty(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        Set<String> people = new TreeSet<>();
        for (OnCallSlot slot : slots) {
            if (slot.covers(local)) {
                people.add(slot.personId());
            }
        }
        for (OnCallShift shift : shifts) {
            if (shift.covers(at)) {
                people.add(shift.personId());
            }
        }
        return people;
    }
}
