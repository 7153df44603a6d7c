package io.nara.load.fleet;

import java.util.concurrent.atomic.LongAdder;

/** What the whole fleet did, counted by every simulated hub. */
final class FleetCounters {

    final LongAdder connected = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder observationsTaken = new LongAdder();
    final LongAdder observationsAcked = new LongAdder();
    final LongAdder alertsRaised = new LongAdder();
    final LongAdder alertsAcked = new LongAdder();
    final LongAdder publishes = new LongAdder();
    final LongAdder publishFailures = new LongAdder();
    final LongAdder resends = new LongAdder();
    final LongAdder refusedSent = new LongAdder();
    /** Batch acknowledgement time: from publishing a batch to the ack that covers all of it. */
    final Latencies batchAck = new Latencies();
    /** Alert acknowledgement time: from publishing an alert to the ack that covers it (stored and routed). */
    final Latencies alertAck = new Latencies();

    /** Observations taken by a hub but not yet acknowledged by the cloud, over the fleet. */
    long pending() {
        return observationsTaken.sum() - observationsAcked.sum();
    }
}
