package io.nara.ingest.enrolment;

import io.nara.protocol.message.Alert;
import io.nara.protocol.message.Observation;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whom a hub may speak for, as the cloud knows it: the devices bound to it (with the patient or the household
 * members each serves) and the patients of its household. Pure: {@link HubAuthorities} loads it from PostgreSQL.
 *
 * <p>A binding or membership that ended still counts for a reading taken before it ended (plus {@code grace}, for a
 * hub clock a little ahead), and for as long as the hub reports a config version older than the one that ended it: a
 * config change in flight, or a hub replaying its outbox after days offline, loses nothing.
 *
 * @param appliedVersion the config version the hub last reported applied; null when it never said
 */
public record HubAuthority(
        String hubId, Long appliedVersion, List<Binding> bindings, List<Member> members, Duration grace) {

    /**
     * A device binding. {@code patientId} for one patient's device; for a shared device null, with {@code users} the
     * household members it measures (empty: any member, attributed by weight band).
     */
    public record Binding(
            String deviceId, String patientId, Set<String> users, Instant retiredAt, Long retiredVersion) {
        public Binding {
            users = users == null ? Set.of() : Set.copyOf(users);
        }
    }

    /** A patient of the hub's household, or one with a care plan on the hub. */
    public record Member(String patientId, Instant until, Long untilVersion) {}

    public HubAuthority {
        bindings = List.copyOf(bindings);
        members = List.copyOf(members);
    }

    /** Why the hub may not report this reading, or empty when it may. */
    public Optional<String> refuse(Observation o) {
        Instant at = o.received();
        List<Binding> device = bindings.stream()
                .filter(b -> b.deviceId().equals(o.deviceId()) && inForce(b.retiredAt(), b.retiredVersion(), at))
                .toList();
        if (device.isEmpty() && answeredOnTablet(o, at)) {
            return Optional.empty();
        }
        if (device.isEmpty()) {
            return Optional.of(
                    "device " + o.deviceId() + " is not bound to hub " + hubId + " (reading seq " + o.seq() + ")");
        }
        if (o.patientId() == null) {
            return Optional.empty(); // a shared device's reading the hub could not attribute: the nurses assign it
        }
        boolean forPatient = device.stream()
                .anyMatch(b -> o.patientId().equals(b.patientId())
                        || b.users().contains(o.patientId())
                        || (b.patientId() == null && b.users().isEmpty() && member(o.patientId(), at)));
        return forPatient
                ? Optional.empty()
                : Optional.of("device " + o.deviceId() + " on hub " + hubId + " is not bound to patient "
                        + o.patientId() + " (reading seq " + o.seq() + ")");
    }

    /** Why the hub may not raise this alert, or empty when it may. */
    public Optional<String> refuse(Alert a) {
        Instant at = a.raisedAt();
        boolean known = member(a.patientId(), at)
                || bindings.stream()
                        .anyMatch(b -> inForce(b.retiredAt(), b.retiredVersion(), at)
                                && (a.patientId().equals(b.patientId())
                                        || b.users().contains(a.patientId())));
        return known
                ? Optional.empty()
                : Optional.of(
                        "patient " + a.patientId() + " is not bound to hub " + hubId + " (alert seq " + a.seq() + ")");
    }

    /**
     * A symptom the patient answered on a tablet paired at the hub: the tablet has no binding in the cloud (it was
     * paired on the hub), so only the symptom vocabulary, and only for a patient of the hub's household.
     */
    private boolean answeredOnTablet(Observation o, Instant at) {
        return o.answeredOnTablet()
                && o.patientId() != null
                && Vocabulary.PRESENCE.equals(o.unit())
                && Vocabulary.SYMPTOMS.stream().anyMatch(c -> c.code().equals(o.code()))
                && member(o.patientId(), at);
    }

    private boolean member(String patientId, Instant at) {
        return members.stream()
                .anyMatch(m -> m.patientId().equals(patientId) && inForce(m.until(), m.untilVersion(), at));
    }

    private boolean inForce(Instant endedAt, Long endedVersion, Instant at) {
        if (endedAt == null) {
            return true;
        }
        if (at != null && at.isBefore(endedAt.plus(grace))) {
            return true;
        }
        return endedVersion != null && appliedVersion != null && appliedVersion < endedVersion;
    }
}
