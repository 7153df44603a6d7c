package io.nara.ingest.org;

import java.time.Instant;

/** A one-off shift (cover for illness, a swapped weekend, a public holiday), on top of the recurring slots. */
public record OnCallShift(String personId, Instant startsAt, Instant endsAt) {

    public OnCallShift {
        if (personId == null || startsAt == null || endsAt == null || !endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("a shift needs a person and an end after its start");
        }
    }

    public boolean covers(Instant at) {
        return !at.isBefore(startsAt) && at.isBefore(endsAt);
    }
}
