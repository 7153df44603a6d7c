package io.nara.benchmarks;

import io.nara.devices.DecodeException;
import io.nara.devices.Quirks;
import io.nara.devices.analyzer.Analytes;
import io.nara.devices.analyzer.AnalyzerReport;
import io.nara.devices.astm.AstmRecords;
import io.nara.devices.gatt.GattDecoders;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the decoders on one thread: a score of N ops/s is N measurements (characteristic values or analyzer
 * messages) decoded per second per core. Target for BLE: over 1 000 000 ops/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class DecoderBenchmark {

    /** Full-featured values: every optional field present, as a stored-record download sends them. */
    private final byte[] bloodPressure = hex("1E 7800 5000 5D00 EA07 0B 17 07 1E 0F 4800 01 0000");

    private final byte[] weight = hex("0E B63F EA07 0B 17 06 05 00 02 FC00 0807");
    private final byte[] plxSpotCheck = hex("07 6200 4800 EA07 0B 17 07 1E 0F 8000 000000");
    private final byte[] temperature = hex("06 6C0100FF EA07 0B 17 07 1E 0F 02");
    private final byte[] glucose = hex("1B 0100 EA07 0B 17 07 1E 0F 0000 5AB0 11 0000");
    private final List<String> astm = List.of(
            "H|\\^&|||cobas h 232^1.0|||||||P|LIS2-A2|20261123081500",
            "P|1||19401231-1234",
            "O|1|S1||^^^NTPROBNP|R||20261123081000",
            "R|1|^^^NT-proBNP|1850|pg/mL|60-450|H||F||||20261123081500",
            "L|1|N");
    private final AstmRecords astmRecords = new AstmRecords(Analytes.COMMON_ONLY, Quirks.NONE);

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Benchmark
    public List<io.nara.devices.Measurement> bloodPressure2A35() throws DecodeException {
        return GattDecoders.decode(0x2A35, bloodPressure);
    }

    @Benchmark
    public List<io.nara.devices.Measurement> weight2A9D() throws DecodeException {
        return GattDecoders.decode(0x2A9D, weight);
    }

    @Benchmark
    public List<io.nara.devices.Measurement> plxSpotCheck2A5E() throws DecodeException {
        return GattDecoders.decode(0x2A5E, plxSpotCheck);
    }

    @Benchmark
    public List<io.nara.devices.Measurement> temperature2A1C() throws DecodeException {
        return GattDecoders.decode(0x2A1C, temperature);
    }

    @Benchmark
    public List<io.nara.devices.Measurement> glucose2A18() throws DecodeException {
        return GattDecoders.decode(0x2A18, glucose);
    }

    @Benchmark
    public AnalyzerReport astmMessage() throws DecodeException {
        return astmRecords.parse(astm);
    }

    static {
        // Fail fast if a sample does not decode: a benchmark of the error path would be meaningless.
        try {
            DecoderBenchmark b = new DecoderBenchmark();
            for (List<io.nara.devices.Measurement> m : List.of(
                    b.bloodPressure2A35(),
                    b.weight2A9D(),
                    b.plxSpotCheck2A5E(),
                    b.temperature2A1C(),
                    b.glucose2A18())) {
                if (m.isEmpty() || m.get(0).value() == null) {
                    throw new IllegalStateException("benchmark sample did not decode to a value: " + m);
                }
            }
        } catch (DecodeException e) {
            throw new IllegalStateException("benchmark sample does not decode", e);
        }
    }
}
