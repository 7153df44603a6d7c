package io.nara.gateway.pipeline;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirks;
import io.nara.devices.catalogue.DeviceCatalogue;
import io.nara.devices.catalogue.DeviceProfile;
import io.nara.devices.gatt.GattDecoders;
import io.nara.devices.gatt.PlxContinuousMeasurement;
import io.nara.gateway.careplan.HubAttribution;
import io.nara.gateway.config.HubConfigStore;
import io.nara.gateway.outbox.Outbox;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way a reading travels on the hub: decode, attribute to a patient, check, evaluate the care plan, store. The
 * returned future completes only once the outbox holds the reading, and that is when a transport may tell the device
 * its record was received. Bytes that cannot be used are quarantined with the reason and the future fails with it.
 */
public final class ReadingPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(ReadingPipeline.class);
    private static final DeviceCatalogue CATALOGUE = DeviceCatalogue.builtIn();

    private final WorkerExecutor outboxWorker;
    private final Outbox outbox;
    private final HubConfigStore config;
    private final ReadingAssembler assembler;
    private final Clock clock;
    private final BooleanSupplier clockTrusted;
    private final Consumer<List<OutboxEntry>> onStored;
    private volatile UnboundListener onUnbound = (device, source, measurements, received) -> {};

    /** The source of high-rate streams whose samples the storage policy may thin. */
    private static final String CONTINUOUS_SOURCE = RawReading.gattSource(PlxContinuousMeasurement.UUID16);

    /**
     * @param outboxWorker the single thread that owns the outbox
     * @param onStored     called on the caller's context with what was stored (the uplink wakes up on it)
     */
    public ReadingPipeline(
            WorkerExecutor outboxWorker,
            Outbox outbox,
            HubConfigStore config,
            ReadingAssembler assembler,
            Clock clock,
            BooleanSupplier clockTrusted,
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
        return accept(reading, false);
    }

    /**
     * A GATT record the device may send again, such as its stored records, which it replays through RACP until it is
     * told they were received (a link that drops before that, or a hub restart in between, brings them again). Stored
     * once per device by its characteristic and bytes, remembered in the outbox across restarts; the future succeeds
     * with nothing new for a record the outbox already had. Only records with the device's time stamp have an
     * identity: the same bytes without one are the same value measured again, and are stored again.
     */
    public Future<List<OutboxEntry>> acceptRecord(RawReading reading) {
        return accept(reading, true, false);
    }

    /**
     * A GATT value the device sent as it measured, on a characteristic that also carries its stored records (a cuff's
     * 0x2A35): evaluated as live (a device time older than the plan's {@code staleAfter} is a clock that reset, see
     * {@link ReadingAssembler#assemble}), and stored once by its record key like a stored record, so the same record
     * replayed from the device's memory later is not stored twice.
     */
    public Future<List<OutboxEntry>> acceptLiveRecord(RawReading reading) {
        return accept(reading, true, true);
    }

    private Future<List<OutboxEntry>> accept(RawReading reading, boolean mayRepeat) {
        return accept(reading, mayRepeat, !mayRepeat);
    }

    private Future<List<OutboxEntry>> accept(RawReading reading, boolean mayRepeat, boolean live) {
        List<Measurement> measurements;
        try {
            // The device model's quirks (from the catalogue, by the binding's model) apply only to that model.
            measurements = GattDecoders.decode(reading.characteristic(), reading.value(), quirksOf(reading.deviceId()));
        } catch (DecodeException e) {
            return quarantine(reading.deviceId(), reading.source(), reading.value(), e.getMessage());
        }
        boolean timeStamped = !measurements.isEmpty() && measurements.stream().allMatch(m -> m.deviceTime() != null);
        Outbox.RecordKey key = mayRepeat && timeStamped
                ? new Outbox.RecordKey(
                        reading.deviceId(),
                        reading.source() + " " + HexFormat.of().formatHex(reading.value()))
                : null;
        return accept(
                new DecodedReading(reading.deviceId(), reading.source(), reading.value(), measurements), key, live);
    }

    /**
     * Readings a protocol session decoded itself (SenML over CoAP, ASTM and POCT1 analyzers: their decoding needs
     * the conversation's state). From here they travel exactly as GATT readings do.
     */
    public Future<List<OutboxEntry>> accept(DecodedReading reading) {
        return accept(reading, null, false);
    }

    /** @param live sent by the device as it measured (see {@link ReadingAssembler#assemble}), not from its memory */
    private Future<List<OutboxEntry>> accept(DecodedReading reading, Outbox.RecordKey key, boolean live) {
        HubConfig current = config.current();
        Optional<DeviceBinding> binding = current.bindingFor(reading.deviceId());
        if (binding.isEmpty()) {
            return unbound(reading.deviceId(), reading.source(), reading.raw(), reading.measurements());
        }
        if (reading.measurements().isEmpty()) {
            return quarantine(reading.deviceId(), reading.source(), reading.raw(), "the message holds no reading");
        }
        // An analyzer that names another patient than the bound one measured someone else's sample.
        var stated = HubAttribution.stated(binding.get(), current, reading.statedPatientId());
        if (stated.problem() != null) {
            return quarantine(reading.deviceId(), reading.source(), reading.raw(), stated.problem());
        }
        // A device reports only what its model measures: the rest is quarantined with the reason, never evaluated.
        Optional<String> foreign = foreignCodes(binding.get(), reading.measurements());
        if (foreign.isPresent()) {
            Future<List<OutboxEntry>> kept =
                    quarantine(reading.deviceId(), reading.source(), reading.raw(), foreign.get());
            List<Measurement> own = ownMeasurements(binding.get(), reading.measurements());
            if (own.isEmpty()) {
                return kept;
            }
            DecodedReading rest = reading.with(own);
            // The foreign part is kept in quarantine; the device's own readings are stored as usual.
            return kept.recover(
                    e -> e instanceof RejectedReadingException ? accept(rest, key, live) : Future.failedFuture(e));
        }
        // A shared scale or cuff: by user index or weight band, else unattributed (null), never a guess.
        String patientId = stated.patientId() != null
                ? stated.patientId()
                : HubAttribution.patientFor(binding.get(), current, reading.measurements());
        var plan = patientId == null ? null : current.carePlanFor(patientId).orElse(null);
        Instant received = clock.instant();
        boolean trusted = clockTrusted.getAsBoolean();
        boolean continuous = isContinuous(reading.source());
        return outboxWorker
                .<List<OutboxEntry>>executeBlocking(() -> outbox.append(
                        key,
                        seqs -> markContinuous(
                                assembler.assemble(
                                        reading.deviceId(),
                                        patientId,
                                        plan,
                                        reading.measurements(),
                                        received,
                                        trusted,
                                        live,
                                        seqs),
                                continuous)))
                .onSuccess(onStored::accept)
                .onFailure(e -> LOG.error("could not store reading {}: {}", reading, e.getMessage(), e));
    }

    /**
     * What the patient answered on a paired tablet (symptoms, value 1 or 0): no device binding, since the tablet was
     * paired for this patient on the hub itself, but only for a patient the hub serves. Evaluated against the
     * patient's plan and stored like any reading, with the hub's time of receipt and its clock rule; the future
     * completes once the outbox holds it, and fails with {@link RejectedReadingException} for a patient the hub no
     * longer serves.
     */
    public Future<List<OutboxEntry>> acceptAnswers(String deviceId, String patientId, List<Measurement> answers) {
        HubConfig current = config.current();
        if (!current.patients().contains(patientId)) {
            return Future.failedFuture(new RejectedReadingException(
                    "patient " + patientId + " of " + deviceId + " is no longer served by this hub"));
        }
        var plan = current.carePlanFor(patientId).orElse(null);
        Instant received = clock.instant();
        boolean trusted = clockTrusted.getAsBoolean();
        return outboxWorker
                .<List<OutboxEntry>>executeBlocking(() -> outbox.append(
                        seqs -> assembler.assemble(deviceId, patientId, plan, answers, received, trusted, true, seqs)))
                .onSuccess(onStored::accept)
                .onFailure(e -> LOG.error("could not store answers of {}: {}", deviceId, e.getMessage(), e));
    }

    /**
     * Bytes a transport could not use (a malformed message, a result with an unknown test code): kept in quarantine
     * with the problem; the future fails with {@link RejectedReadingException} naming it.
     */
    /**
     * A reading from a device that is not bound: quarantined, and the device offered to the cloud for binding (its
     * readings are kept here, and the nurse sees that the hub holds some).
     */
    public Future<List<OutboxEntry>> unbound(
            String deviceId, String source, byte[] raw, List<Measurement> measurements) {
        onUnbound.unbound(deviceId, source, measurements, clock.instant());
        return quarantine(deviceId, source, raw, "device " + deviceId + " is not bound to a patient on this hub");
    }

    /** Told of every reading of a device that is not bound, with what could be decoded of it (maybe nothing). */
    public interface UnboundListener {
        void unbound(String deviceId, String source, List<Measurement> measurements, Instant received);
    }

    public void onUnbound(UnboundListener listener) {
        this.onUnbound = listener;
    }

    public Future<List<OutboxEntry>> quarantine(String deviceId, String source, byte[] raw, String problem) {
        LOG.warn("quarantined {} from {}: {}", source, deviceId, problem);
        return outboxWorker
                .executeBlocking(() -> {
                    outbox.quarantine(deviceId, source, raw, problem);
                    return null;
                })
                .compose(stored -> Future.failedFuture(new RejectedReadingException(problem)));
    }

    /**
     * An alert that no reading raised (the help button): stored in the outbox like any alert. {@code build} gets the
     * alert's sequence number.
     */
    public Future<List<OutboxEntry>> raise(LongFunction<Alert> build) {
        return raise(List.of(build));
    }

    /** Several alerts in one outbox transaction (one per patient of the household), each with a sequence number. */
    public Future<List<OutboxEntry>> raise(List<LongFunction<Alert>> builds) {
        return outboxWorker
                .<List<OutboxEntry>>executeBlocking(() -> outbox.append(seqs -> builds.stream()
                        .<OutboxEntry>map(build -> new OutboxEntry.AlertEntry(build.apply(seqs.getAsLong())))
                        .toList()))
                .onSuccess(onStored::accept)
                .onFailure(e -> LOG.error("could not store alert: {}", e.getMessage(), e));
    }

    /** Whether the hub's clock is known to be right now: a transport sets a device's clock only then. */
    public boolean clockSynchronized() {
        return clockTrusted.getAsBoolean();
    }

    /** The hub's clock, as the pipeline stamps a reading's receipt (right only when {@link #clockSynchronized}). */
    public Instant now() {
        return clock.instant();
    }

    /** The hub's config in force (bindings and care plans), for transports that route by binding. */
    public HubConfig config() {
        return config.current();
    }

    /**
     * Many GATT readings in one outbox transaction, each with the time its transport received it: a device's stored
     * records fetched in one session (acknowledged to the device once, after one durable write), or a simulated week.
     * Readings that cannot be decoded or are not bound are quarantined; the others are stored.
     */
    public Future<List<OutboxEntry>> acceptAll(List<ReceivedReading> readings) {
        HubConfig current = config.current();
        boolean trusted = clockTrusted.getAsBoolean();
        List<Runnable> quarantines = new ArrayList<>();
        List<Function<LongSupplier, List<OutboxEntry>>> builds = new ArrayList<>();
        for (ReceivedReading received : readings) {
            RawReading raw = received.reading();
            Optional<DeviceBinding> binding = current.bindingFor(raw.deviceId());
            try {
                if (binding.isEmpty()) {
                    List<Measurement> held;
                    try {
                        held = GattDecoders.decode(raw.characteristic(), raw.value(), quirksOf(raw.deviceId()));
                    } catch (DecodeException e) {
                        held = List.of();
                    }
                    onUnbound.unbound(raw.deviceId(), raw.source(), held, received.received());
                    throw new DecodeException("device " + raw.deviceId() + " is not bound to a patient on this hub");
                }
                List<Measurement> decoded =
                        GattDecoders.decode(raw.characteristic(), raw.value(), quirksOf(raw.deviceId()));
                Optional<String> foreign = foreignCodes(binding.get(), decoded);
                if (foreign.isPresent()) {
                    LOG.warn("quarantined {} from {}: {}", raw.source(), raw.deviceId(), foreign.get());
                    quarantines.add(() -> outbox.quarantine(raw.deviceId(), raw.source(), raw.value(), foreign.get()));
                }
                List<Measurement> measurements = ownMeasurements(binding.get(), decoded);
                if (measurements.isEmpty()) {
                    continue;
                }
                String patientId = HubAttribution.patientFor(binding.get(), current, measurements);
                var plan = patientId == null
                        ? null
                        : current.carePlanFor(patientId).orElse(null);
                boolean continuous = isContinuous(raw.source());
                builds.add(seqs -> markContinuous(
                        assembler.assemble(
                                raw.deviceId(), patientId, plan, measurements, received.received(), trusted, seqs),
                        continuous));
            } catch (DecodeException e) {
                LOG.warn("quarantined {} from {}: {}", raw.source(), raw.deviceId(), e.getMessage());
                quarantines.add(() -> outbox.quarantine(raw.deviceId(), raw.source(), raw.value(), e.getMessage()));
            }
        }
        return outboxWorker
                .<List<OutboxEntry>>executeBlocking(() -> {
                    quarantines.forEach(Runnable::run);
                    return outbox.append(seqs -> {
                        List<OutboxEntry> entries = new ArrayList<>();
                        builds.forEach(build -> entries.addAll(build.apply(seqs)));
                        return entries;
                    });
                })
                .onSuccess(onStored::accept)
                .onFailure(e -> LOG.error("could not store {} readings: {}", readings.size(), e.getMessage(), e));
    }

    private static boolean isContinuous(String source) {
        return CONTINUOUS_SOURCE.equals(source);
    }

    private static List<OutboxEntry> markContinuous(List<OutboxEntry> entries, boolean continuous) {
        if (!continuous) {
            return entries;
        }
        return entries.stream()
                .map(e -> e instanceof OutboxEntry.ObservationEntry o
                        ? new OutboxEntry.ObservationEntry(o.observation(), true)
                        : e)
                .toList();
    }

    /** Why some of the measurements are not the bound model's to send; empty when all are (or the model is unknown). */
    private static Optional<String> foreignCodes(DeviceBinding binding, List<Measurement> measurements) {
        Optional<DeviceProfile> profile = Optional.ofNullable(binding.model()).flatMap(CATALOGUE::find);
        if (profile.isEmpty()) {
            return Optional.empty();
        }
        List<String> foreign = measurements.stream()
                .map(m -> m.code().code())
                .filter(code -> !profile.get().produces(code))
                .distinct()
                .toList();
        return foreign.isEmpty()
                ? Optional.empty()
                : Optional.of("device " + binding.deviceId() + " is a "
                        + profile.get().model() + " (" + profile.get().kind() + "), which does not measure " + foreign);
    }

    private static List<Measurement> ownMeasurements(DeviceBinding binding, List<Measurement> measurements) {
        Optional<DeviceProfile> profile = Optional.ofNullable(binding.model()).flatMap(CATALOGUE::find);
        return profile.isEmpty()
                ? measurements
                : measurements.stream()
                        .filter(m -> profile.get().produces(m.code().code()))
                        .toList();
    }

    private Quirks quirksOf(String deviceId) {
        return config.current()
                .bindingFor(deviceId)
                .flatMap(b -> CATALOGUE.find(b.model()))
                .map(DeviceProfile::decoderQuirks)
                .orElse(Quirks.NONE);
    }
}
