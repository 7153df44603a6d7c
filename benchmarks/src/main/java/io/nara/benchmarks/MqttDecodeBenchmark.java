package io.nara.benchmarks;

import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an ingest node spends to receive one full observation batch (500 pulse-oximeter samples, as a replaying hub
 * sends them) before Nära's code sees it: Paho turning the packet's bytes into an {@link MqttPublish}, and then the
 * protocol codec decoding the batch. Run with and without {@code -jvmArgsAppend -XX:+UseBiasedLocking} to see what
 * Paho's byte-at-a-time copy through a synchronized stream costs (decision 0055). Scores are microseconds per batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class MqttDecodeBenchmark {

    private static final int BATCH = 500;

    private final MessageCodec codec = new MessageCodec();
    private byte[] packet;

    @Setup
    public void packet() throws Exception {
        List<Observation> samples = new ArrayList<>(BATCH);
        Instant start = Instant.parse("2026-12-06T22:00:00Z");
        for (int i = 0; i < BATCH; i++) {
            Instant at = start.plusMillis(500L * i);
            samples.add(new Observation(
                    i + 1L,
                    "patient-0001",
                    "oxi-1",
                    i % 2 == 0 ? "59408-5" : "8867-4",
                    i % 2 == 0 ? 96.0 : 71.0,
                    i % 2 == 0 ? "%" : "/min",
                    at,
                    at.plusMillis(400),
                    Set.of(ObservationFlag.CONTINUOUS_SAMPLE)));
        }
        byte[] payload = codec.encode(ObservationBatch.of(UUID.randomUUID().toString(), samples));
        MqttMessage message = new MqttMessage(payload, 1, false, new MqttProperties());
        MqttPublish publish = new MqttPublish("nara/v1/hub/hub-0001/obs", message, new MqttProperties());
        publish.setMessageId(1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 64);
        bytes.write(publish.getHeader());
        bytes.write(publish.getPayload());
        packet = bytes.toByteArray();
    }

    /** Paho's decoding of the packet as its receiver thread does it. */
    @Benchmark
    public MqttWireMessage pahoDecode() throws MqttException {
        return MqttWireMessage.createWireMessage(packet);
    }

    /** The same, then the protocol codec's decoding of the batch: a node's work per batch before it stores. */
    @Benchmark
    public ObservationBatch pahoAndCodec() throws MqttException {
        MqttPublish publish = (MqttPublish) MqttWireMessage.createWireMessage(packet);
        return codec.decode(publish.getMessage().getPayload(), ObservationBatch.class);
    }
}
