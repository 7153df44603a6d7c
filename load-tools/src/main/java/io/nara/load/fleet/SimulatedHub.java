package io.nara.load.fleet;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.nara.protocol.HubTopic;
import io.nara.protocol.SchemaVersion;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertMessage;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.HubStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.SeqRange;
import io.nara.protocol.message.Severity;
import io.nara.protocol.vocabulary.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * One simulated hub: an in-memory outbox that numbers every reading and alert, batches of at most 500 observations
 * with a window of batches in flight, alerts outside that window, resending what is overdue, and deleting exactly
 * what the cloud acknowledges, the way the real hub's uplink does. It speaks the real protocol (the {@code protocol}
 * module's records, QoS 1, the retained status with its last will) with its own client certificate.
 *
 * <p>State is touched by the simulator's tick thread and by the MQTT client's event loop (acks), so every method that
 * touches it is synchronized on the hub; a hub's lock is never held while waiting for the network.
 */
final class SimulatedHub {

    /** What the simulated hub is told to do beyond a normal day. */
    enum Behaviour {
        NORMAL,
        MALFORMED,
        OVERSIZED,
        FOREIGN_PATIENT
    }

    /**
     * How a hub sends: {@code window} observation batches in flight, a resend after {@code ackTimeout}, at most
     * {@code replayRate} observations a second as the real hub's {@code --replay-rate} (0: as fast as the window
     * allows), and whether the broker's PUBACK counts as the cloud's ack ({@code brokerAcks}: no ingest needed, so a
     * plain subscriber measures the broker's own ceiling).
     */
    record Uplink(int window, Duration ackTimeout, int replayRate, boolean brokerAcks) {}

    private static final MessageCodec CODEC = new MessageCodec();
    private static final int MAX_BATCH = 500;

    private final Home home;
    private final Behaviour behaviour;
    private final FleetCounters counters;
    private final Mqtt5AsyncClient client;
    private final String outbox = UUID.randomUUID().toString();
    private final Uplink uplink;
    private final ArrayDeque<Observation> unsent = new ArrayDeque<>();
    /** Messages sent and not yet wholly acknowledged, by their first sequence number. */
    private final Map<Long, InFlight> inFlight = new LinkedHashMap<>();

    private long nextSeq = 1;
    /**
     * Observations the replay rate allows to send now, refilled by real time; capped at a second's or a batch's worth,
     * whichever is more.
     */
    private double sendable;

    private long refilledNanos = System.nanoTime();
    private boolean online;
    private boolean connecting;
    private int batchesInFlight;

    /** One published message: which sequence numbers it carries and which of them the cloud has not yet acked. */
    private static final class InFlight {
        final String topic;
        final byte[] payload;
        final boolean alert;
        final List<Long> seqs;
        final Set<Long> open;
        long sentNanos;

        InFlight(String topic, byte[] payload, boolean alert, List<Long> seqs) {
            this.topic = topic;
            this.payload = payload;
            this.alert = alert;
            this.seqs = seqs;
            this.open = new HashSet<>(seqs);
        }
    }

    SimulatedHub(
            Home home,
            Behaviour behaviour,
            FleetCounters counters,
            String host,
            int port,
            KeyManagerFactory identity,
            TrustManagerFactory trust,
            Uplink uplink) {
        this.home = home;
        this.behaviour = behaviour;
        this.counters = counters;
        this.uplink = uplink;
        byte[] will = CODEC.encode(HubStatus.offline());
        this.client = MqttClient.builder()
                .useMqttVersion5()
                .identifier(home.hubId())
                .serverHost(host)
                .serverPort(port)
                .sslConfig(MqttClientSslConfig.builder()
                        .keyManagerFactory(identity)
                        .trustManagerFactory(trust)
                        .build())
                .willPublish()
                .topic(topic(HubTopic.Kind.STATUS))
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(will)
                .applyWillPublish()
                // A connection the broker dropped (a restart): the hub is offline until the next tick reconnects it
                // and resends what is in flight, as the real hub's uplink does.
                .addDisconnectedListener(context -> dropped())
                .buildAsync();
    }

    String hubId() {
        return home.hubId();
    }

    Home home() {
        return home;
    }

    /** Connects (clean session: the outbox, not the broker, keeps what is unsent), subscribes to acks, sends status. */
    CompletableFuture<Void> connect() {
        synchronized (this) {
            if (online || connecting) {
                return CompletableFuture.completedFuture(null);
            }
            connecting = true;
        }
        return client.connectWith()
                .cleanStart(true)
                .keepAlive(60)
                .send()
                .thenCompose(connAck -> client.subscribeWith()
                        .topicFilter(topic(HubTopic.Kind.ACK))
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .callback(this::onAck)
                        .send())
                .thenAccept(subAck -> {
                    counters.connected.increment();
                    synchronized (this) {
                        online = true;
                        connecting = false;
                        // Everything in flight before the connection dropped goes again: the cloud deduplicates.
                        for (InFlight message : inFlight.values()) {
                            send(message);
                        }
                    }
                    publishStatus();
                })
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        counters.connectFailures.increment();
                        synchronized (this) {
                            connecting = false;
                        }
                        // Connected but the subscription refused (no account yet): drop the connection, or every
                        // later attempt would fail as "already connected" and the hub would never subscribe.
                        client.disconnect().exceptionally(e -> null);
                    }
                });
    }

    /** Marks the hub offline and uncounts it once; true when it was online. */
    private boolean goOffline() {
        boolean wasOnline;
        synchronized (this) {
            wasOnline = online;
            online = false;
        }
        if (wasOnline) {
            counters.connected.decrement();
        }
        return wasOnline;
    }

    private void dropped() {
        goOffline();
    }

    void disconnect() {
        if (goOffline()) {
            client.disconnect();
        }
    }

    /**
     * Takes the readings of [from, to) of simulated time into the outbox, raises an urgent alert for a low systolic
     * as the hub's care plan would, follows the home's connection, and sends what the window allows.
     */
    void tick(Instant from, Instant to, long nowNanos) {
        boolean shouldBeOnline = !home.offlineAt(to);
        if (!shouldBeOnline) {
            disconnect();
        }
        List<InFlight> alerts = new ArrayList<>();
        synchronized (this) {
            for (Home.Reading reading : home.readingsBetween(from, to)) {
                Observation observation = observation(reading);
                unsent.add(observation);
                counters.observationsTaken.increment();
                if (reading.code().equals(Vocabulary.SYSTOLIC) && reading.value() == Home.LOW_SYSTOLIC) {
                    alerts.add(alertFor(observation));
                }
            }
            for (InFlight alert : alerts) {
                inFlight.put(alert.seqs.get(0), alert);
                counters.alertsRaised.increment();
                if (online) {
                    send(alert);
                }
            }
            if (online) {
                resendOverdue(nowNanos);
                pump();
                misbehave();
            }
        }
        if (shouldBeOnline && !isOnline()) {
            connect();
        }
    }

    synchronized boolean isOnline() {
        return online;
    }

    synchronized long pending() {
        long pending = unsent.size();
        for (InFlight message : inFlight.values()) {
            pending += message.alert ? 0 : message.open.size();
        }
        return pending;
    }

    private Observation observation(Home.Reading reading) {
        Instant received = reading.at().plusMillis(500);
        return new Observation(
                nextSeq++,
                home.patientId(),
                reading.deviceId(),
                reading.code().code(),
                reading.value(),
                reading.code().ucum(),
                reading.at(),
                received,
                Set.of());
    }

    private InFlight alertFor(Observation low) {
        long seq = nextSeq++;
        Alert alert = new Alert(
                seq,
                home.patientId(),
                "systolic-low",
                Severity.URGENT,
                low.code(),
                low.value(),
                low.unit(),
                "Systoliskt blodtryck under 90 mmHg",
                low.received(),
                low.seq(),
                "sim-1",
                null,
                Duration.ofMinutes(15),
                AlertStatus.RAISED,
                "systolic-low@" + low.time().atOffset(ZoneOffset.UTC) + "#" + low.seq());
        return new InFlight(
                topic(HubTopic.Kind.ALERT), CODEC.encode(AlertMessage.of(outbox, alert)), true, List.of(seq));
    }

    /** Sends batches while the window has room and the replay rate allows. Called with the lock held. */
    private void pump() {
        refill();
        while (batchesInFlight < uplink.window() && !unsent.isEmpty()) {
            int size = Math.min(MAX_BATCH, unsent.size());
            if (uplink.replayRate() > 0) {
                if (sendable < size) {
                    return; // the next tick or ack sends it
                }
                sendable -= size;
            }
            List<Observation> batch = new ArrayList<>(size);
            while (batch.size() < size) {
                batch.add(unsent.poll());
            }
            List<Long> seqs = batch.stream().map(Observation::seq).toList();
            InFlight message = new InFlight(
                    topic(HubTopic.Kind.OBS), CODEC.encode(ObservationBatch.of(outbox, batch)), false, seqs);
            inFlight.put(seqs.get(0), message);
            batchesInFlight++;
            send(message);
        }
    }

    private void refill() {
        long now = System.nanoTime();
        double capacity = Math.max(uplink.replayRate(), MAX_BATCH);
        sendable = Math.min(capacity, sendable + (now - refilledNanos) / 1e9 * uplink.replayRate());
        refilledNanos = now;
    }

    private void resendOverdue(long nowNanos) {
        for (InFlight message : inFlight.values()) {
            if (nowNanos - message.sentNanos > uplink.ackTimeout().toNanos()) {
                counters.resends.increment();
                send(message);
            }
        }
    }

    private void send(InFlight message) {
        message.sentNanos = System.nanoTime();
        counters.publishes.increment();
        client.publishWith()
                .topic(message.topic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(message.payload)
                .send()
                .whenComplete((result, failure) -> {
                    if (failure != null || result.getError().isPresent()) {
                        counters.publishFailures.increment();
                    } else if (uplink.brokerAcks()) {
                        brokerAcked(message);
                    }
                });
    }

    private void onAck(Mqtt5Publish publish) {
        Ack ack;
        try {
            ack = CODEC.decode(publish.getPayloadAsBytes(), Ack.class);
        } catch (RuntimeException e) {
            counters.publishFailures.increment();
            return;
        }
        if (!outbox.equals(ack.outbox())) {
            return;
        }
        long now = System.nanoTime();
        synchronized (this) {
            Iterator<InFlight> messages = inFlight.values().iterator();
            while (messages.hasNext()) {
                InFlight message = messages.next();
                message.open.removeIf(seq -> covered(ack.ranges(), seq));
                if (message.open.isEmpty()) {
                    messages.remove();
                    count(message, now);
                }
            }
            if (online) {
                pump();
            }
        }
    }

    /** The broker took the message (its PUBACK): with {@link Uplink#brokerAcks} that is all the hub waits for. */
    private void brokerAcked(InFlight message) {
        long now = System.nanoTime();
        synchronized (this) {
            if (inFlight.remove(message.seqs.get(0), message)) {
                count(message, now);
            }
            if (online) {
                pump();
            }
        }
    }

    /** Counts a wholly acknowledged message. Called with the lock held. */
    private void count(InFlight message, long now) {
        long micros = (now - message.sentNanos) / 1_000;
        if (message.alert) {
            counters.alertsAcked.increment();
            counters.alertAck.record(micros);
        } else {
            batchesInFlight--;
            counters.observationsAcked.add(message.seqs.size());
            counters.batchAck.record(micros);
        }
    }

    private static boolean covered(List<SeqRange> ranges, long seq) {
        for (SeqRange range : ranges) {
            if (range.contains(seq)) {
                return true;
            }
        }
        return false;
    }

    /** A misbehaving hub sends, besides its day, one bad message a tick: the cloud must refuse it and go on. */
    private void misbehave() {
        byte[] payload = switch (behaviour) {
            case NORMAL -> null;
            case MALFORMED -> "{\"v\":1,\"outbox\":\"not json".getBytes(StandardCharsets.UTF_8);
            case OVERSIZED -> new byte[300 * 1024];
            case FOREIGN_PATIENT ->
                CODEC.encode(ObservationBatch.of(
                        outbox,
                        List.of(new Observation(
                                nextSeq++,
                                "patient-demo-1",
                                home.cuffId(),
                                Vocabulary.SYSTOLIC.code(),
                                80.0,
                                Vocabulary.SYSTOLIC.ucum(),
                                Instant.now().minusSeconds(60),
                                Instant.now().minusSeconds(59),
                                Set.of()))));
        };
        if (payload != null) {
            counters.refusedSent.increment();
            client.publishWith()
                    .topic(topic(HubTopic.Kind.OBS))
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload)
                    .send();
        }
    }

    private void publishStatus() {
        HubStatus status = new HubStatus(
                SchemaVersion.CURRENT,
                HubStatus.State.ONLINE,
                Instant.now(),
                "fleet-sim",
                HubStatus.ClockState.SYNCHRONIZED,
                pending(),
                List.of());
        client.publishWith()
                .topic(topic(HubTopic.Kind.STATUS))
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(CODEC.encode(status))
                .send();
    }

    private String topic(HubTopic.Kind kind) {
        return HubTopic.of(home.hubId(), kind).name();
    }
}
