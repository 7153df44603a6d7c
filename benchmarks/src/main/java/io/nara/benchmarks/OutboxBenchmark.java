package io.nara.benchmarks;

import io.nara.gateway.outbox.Outbox;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.outbox.StorageLimits;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Observation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Outbox writes with the power-loss-safe settings the hub runs with (WAL, synchronous=FULL): each operation is one
 * durable transaction of {@code readingsPerTransaction} readings of 4 observations (a cuff measurement), as a device
 * indication (1) or a stored-records transfer (100) produces. Records per second = ops/s x 4 x readings.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OutboxBenchmark {

    @Param({"1", "100"})
    int readingsPerTransaction;

    private Path dir;
    private Outbox outbox;

    @Setup(Level.Trial)
    public void open() throws IOException {
        // Under the build folder, not /tmp: on many machines /tmp is RAM, which would hide the fsync cost.
        dir = Files.createTempDirectory(Path.of(System.getProperty("user.dir")), "outbox-bench");
        outbox = Outbox.open(dir.resolve("outbox.db"), new MessageCodec(), Clock.systemUTC(), StorageLimits.defaults());
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        outbox.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Benchmark
    public List<OutboxEntry> append() {
        Instant now = Instant.now();
        return outbox.append(seqs -> {
            List<OutboxEntry> entries = new ArrayList<>(readingsPerTransaction * 4);
            for (int r = 0; r < readingsPerTransaction; r++) {
                for (String code : new String[] {"8480-6", "8462-4", "8478-0", "8867-4"}) {
                    entries.add(new OutboxEntry.ObservationEntry(new Observation(
                            seqs.getAsLong(), "p1", "cuff-1", code, 120.0, "mm[Hg]", now, now, Set.of())));
                }
            }
            return entries;
        });
    }
}
