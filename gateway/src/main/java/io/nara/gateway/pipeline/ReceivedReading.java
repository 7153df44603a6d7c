package io.nara.gateway.pipeline;

import java.time.Instant;

/**
 * A raw reading with the moment its transport received it. Stored records fetched in one session arrive together
 * but were received one by one; continuous samples have no device time, so this is their time.
 */
public record ReceivedReading(RawReading reading, Instant received) {}
