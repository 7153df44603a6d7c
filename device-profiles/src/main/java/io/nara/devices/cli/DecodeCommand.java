package io.nara.devices.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirks;
import io.nara.devices.analyzer.Analytes;
import io.nara.devices.analyzer.AnalyzerReport;
import io.nara.devices.analyzer.AnalyzerResult;
import io.nara.devices.astm.AstmFrames;
import io.nara.devices.astm.AstmLinkReceiver;
import io.nara.devices.astm.AstmRecords;
import io.nara.devices.catalogue.DeviceCatalogue;
import io.nara.devices.catalogue.DeviceProfile;
import io.nara.devices.gatt.GattDecoders;
import io.nara.devices.gatt.IntermediateCuffPressure;
import io.nara.devices.gatt.RecordAccessControlPoint;
import io.nara.devices.gatt.WeightScaleFeature;
import io.nara.devices.poct1.Poct1Observations;
import io.nara.devices.senml.SenmlDecoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code decode}: raw device bytes in, one JSON object per observation per line out. */
@Command(
        name = "decode",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Decodes raw device bytes into observations, one JSON object per line.",
            "Exit 0: decoded; 1: the bytes cannot be decoded (the message names the problem); 2: bad usage."
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:decoded", "1:cannot be decoded", "2:usage error"})
public final class DecodeCommand implements Callable<Integer> {

    static final int DECODE_ERROR = 1;

    @ArgGroup(multiplicity = "1")
    private What what;

    static final class What {
        @Option(names = "--uuid", description = "GATT characteristic: 16-bit (2A35, 0x2A35) or full 128-bit UUID")
        String uuid;

        @Option(names = "--protocol", description = "astm, poct1 or senml (JSON or CBOR, detected)")
        Protocol protocol;
    }

    enum Protocol {
        astm,
        poct1,
        senml
    }

    @ArgGroup(multiplicity = "1")
    private Input input;

    static final class Input {
        @Option(names = "--hex", description = "the bytes as hex; spaces, ':' and '-' between bytes are ignored")
        String hex;

        @Option(names = "--file", description = "read the bytes from this file (raw, not hex)")
        Path file;
    }

    @Option(names = "--device", description = "catalogue id of the device model: applies its quirks and test codes")
    private String device;

    @Option(names = "--zone", description = "time zone for SenML absolute times (default: the system's)")
    private ZoneId zone = ZoneId.systemDefault();

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private final ObjectMapper json = new ObjectMapper();

    public static void main(String[] args) {
        System.exit(run(
                args,
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Runs the command; separated from main so tests see output and exit code without a process. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new DecodeCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof DecodeException) {
                err.println("decode error: " + e.getMessage());
                return DECODE_ERROR;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DeviceProfile profile = null;
        if (device != null) {
            profile = DeviceCatalogue.builtIn()
                    .find(device)
                    .orElseThrow(() -> new CommandLine.ParameterException(
                            spec.commandLine(), "no device '" + device + "' in the catalogue"));
        }
        Quirks quirks = profile == null ? Quirks.NONE : profile.decoderQuirks();
        Analytes analytes = profile == null ? Analytes.COMMON_ONLY : profile.analyteMap();
        byte[] bytes = bytes();
        if (what.uuid != null) {
            gatt(GattDecoders.parseUuid(what.uuid), bytes, quirks, out);
            return 0;
        }
        switch (what.protocol) {
            case astm -> report(new AstmRecords(analytes, quirks).parse(astmRecords(bytes, quirks)), out, err);
            case poct1 -> report(new Poct1Observations(analytes).parse(bytes), out, err);
            case senml -> {
                SenmlDecoder decoder = new SenmlDecoder(zone);
                SenmlDecoder.Result result =
                        looksLikeJson(bytes) ? decoder.decodeJson(bytes) : decoder.decodeCbor(bytes);
                for (Measurement m : result.measurements()) {
                    out.println(json.writeValueAsString(line(m)));
                }
                result.skipped().forEach(s -> err.println("skipped: " + s));
            }
            default -> throw new IllegalStateException(what.protocol.name());
        }
        return 0;
    }

    private void gatt(int uuid, byte[] bytes, Quirks quirks, PrintWriter out) throws Exception {
        // Characteristics that carry no observation print what they say, so the command is useful on them too.
        switch (uuid) {
            case WeightScaleFeature.UUID16 ->
                out.println(json.writeValueAsString(
                        json.createObjectNode().putPOJO("weightScaleFeature", WeightScaleFeature.parse(bytes))));
            case RecordAccessControlPoint.UUID16 ->
                out.println(json.writeValueAsString(json.createObjectNode()
                        .putPOJO("racpResponse", RecordAccessControlPoint.parseResponse(bytes))));
            case IntermediateCuffPressure.UUID16 ->
                out.println(json.writeValueAsString(json.createObjectNode()
                        .put("intermediateCuffPressureMmHg", IntermediateCuffPressure.cuffPressureMmHg(bytes))));
            default -> {
                for (Measurement m : GattDecoders.decode(uuid, bytes, quirks)) {
                    out.println(json.writeValueAsString(line(m)));
                }
            }
        }
    }

    private void report(AnalyzerReport report, PrintWriter out, PrintWriter err) throws IOException {
        for (AnalyzerResult r : report.results()) {
            ObjectNode line = line(r.measurement());
            line.put("testCode", r.testCode());
            line.put("patientId", r.patientId());
            line.put("sampleId", r.sampleId());
            out.println(json.writeValueAsString(line));
        }
        report.skipped().forEach(s -> err.println("skipped: " + s));
    }

    private ObjectNode line(Measurement m) {
        ObjectNode n = json.createObjectNode();
        n.put("code", m.code().code());
        n.put("display", m.code().display());
        n.put("value", m.value());
        n.put("unit", m.unit());
        n.put("effective", m.deviceTime() == null ? null : m.deviceTime().toString());
        var flags = n.putArray("flags");
        m.flags().stream().map(Enum::name).sorted().forEach(flags::add);
        n.put("deviceValue", m.deviceValue());
        n.put("deviceUnit", m.deviceUnit());
        n.put("userIndex", m.userIndex());
        n.put("mdc", m.code().mdc());
        return n;
    }

    private byte[] bytes() throws IOException {
        if (input.file != null) {
            return Files.readAllBytes(input.file);
        }
        String cleaned = input.hex.replaceAll("[\\s:\\-]", "");
        if (cleaned.startsWith("0x") || cleaned.startsWith("0X")) {
            cleaned = cleaned.substring(2);
        }
        try {
            return HexFormat.of().parseHex(cleaned);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--hex is not hex: " + e.getMessage());
        }
    }

    /**
     * ASTM input is either the framed byte stream as captured on the wire (ENQ, frames, EOT), which goes through the
     * E1381 receiver with its checksums, or the plain E1394 records, one per line.
     */
    private static List<String> astmRecords(byte[] bytes, Quirks quirks) throws DecodeException {
        boolean framed = false;
        for (byte b : bytes) {
            framed |= b == AstmFrames.STX;
        }
        if (!framed) {
            List<String> records = new ArrayList<>();
            for (String line : new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n|\r|\n")) {
                if (!line.isEmpty()) {
                    records.add(line);
                }
            }
            return records;
        }
        AstmLinkReceiver receiver = new AstmLinkReceiver(quirks);
        List<AstmLinkReceiver.Action> actions = new ArrayList<>();
        if (bytes[0] != AstmFrames.ENQ) {
            actions.addAll(receiver.onBytes(new byte[] {AstmFrames.ENQ}));
        }
        actions.addAll(receiver.onBytes(bytes));
        actions.addAll(receiver.stored());
        actions.addAll(receiver.onBytes(new byte[] {AstmFrames.EOT}));
        List<String> records = new ArrayList<>();
        int frame = 0;
        for (AstmLinkReceiver.Action a : actions) {
            if (a instanceof AstmLinkReceiver.Send s && s.bytes()[0] == AstmFrames.NAK) {
                throw new DecodeException("ASTM frame " + frame + " rejected: bad checksum, framing or frame number");
            }
            if (a instanceof AstmLinkReceiver.Send) {
                frame++;
            }
            if (a instanceof AstmLinkReceiver.Deliver d) {
                records.addAll(d.records());
            }
        }
        return records;
    }

    private static boolean looksLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (!Character.isWhitespace(b)) {
                return b == '[' || b == '{';
            }
        }
        return false;
    }
}
