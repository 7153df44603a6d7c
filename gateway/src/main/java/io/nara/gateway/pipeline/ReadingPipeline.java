package io.nara.gateway.pipeline;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.gatt.GattDecoders;
import io.nara.gateway.config.HubConfigStore;
import io.nara.gateway.outbox.Outbox;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way a reading travels on the hub: decode, attribute to a patient, check, evaluate the care plan, store. The
 * returned future completes only once the outbox holds the reading, and that is when a transport may tell the device
 * its record was received. Bytes that cannot be used are quarantined with the reason and the future fails with it.
 */
public final class ReadingPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(ReadingPipeline.class);

    private final WorkerExecutor outboxWorker;
    private final Outbox outbox;
    private final HubConfigStore config;
    private final ReadingAssembler assembler;
    private final Clock clock;
    private final BooleanSupplier clockTrusted;
    private final Consumer<List<OutboxEntry>> onStored;

    /**
     * @param outboxWorker the single thread that owns the outbox
     * @param onStored     called on the caller's context with what was stored (the uplink wakes up on it)
     */
    public ReadingPipeline(WorkerExecutor outboxWorker, Outbox outbox, HubConfigStore config,
                           ReadingAssembler assembler, Clock clock, BooleanSupplier clockTrusted,
                           Consumer<List<OutboxEntry>> onStored) {
        this.outboxWorker = outboxWorker;
        this.outbox = outbox;
        this.config = config;
        this.assembler = assembler;
        this.clock = clock;
        this.clockTrusted = clockTrusted;
        this.onStored = onStored;
    }

    public Future<List<OutboxEntry>> accept(RawReading reading) {
        List<Measurement> measurements;
        try {
            measurements = GattDecoders.decode(reading.characteristic(), reading.value());
        } catch (DecodeException e) {
            return quarantine(reading, e.getMessage());
        }
        HubConfig current = config.current();
        Optional<DeviceBinding> binding = current.bindingFor(reading.deviceId());
        if (binding.isEmpty()) {
            return quarantine(reading, "device " + reading.deviceId() + " is not bound to a patient on this hub");
        }
        String patientId = binding.get().patientId();
        var plan = current.carePlanFor(patientId).orElse(null);
        Instant received = clock.instant();
        boolean trusted = clockTrusted.getAsBoolean();
        return outboxWorker.<List<OutboxEntry>>executeBlocking(() -> outbox.append(seqs -> assembler.assemble(
                        reading.deviceId(), patientId, plan, measurements, received, trusted, seqs)))
                .onSuccess(onStored::accept)
                .onFailure(e -> LOG.error("could not store reading {}: {}", reading, e.getMessage(), e));
    }

    private Future<List<OutboxEntry>> quarantine(RawReading reading, String problem) {
        LOG.warn("quarantined reading {}: {}", reading, problem);
        return outboxWorker.executeBlocking(() -> {
            outbox.quarantine(reading.deviceId(), reading.source(), reading.value(), problem);
            return null;
        }).compose(stored -> Future.failedFuture(new RejectedReadingException(problem)));
    }
}
