package io.nara.devices.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.devices.astm.AstmFrames;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodeCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return DecodeCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void printsOneJsonObjectPerObservation() {
        assertThat(run("--uuid", "2A35", "--hex", "01 A0F0 6BF0 7CF0")).isZero();
        assertThat(out.toString().lines())
                .containsExactly(
                        "{\"code\":\"8480-6\",\"display\":\"Systolic blood pressure\",\"value\":120.0,\"unit\":\"mm[Hg]\","
                                + "\"effective\":null,\"flags\":[],\"deviceValue\":16.0,\"deviceUnit\":\"kPa\","
                                + "\"userIndex\":null,\"mdc\":150021}",
                        "{\"code\":\"8462-4\",\"display\":\"Diastolic blood pressure\",\"value\":80.3,\"unit\":\"mm[Hg]\","
                                + "\"effective\":null,\"flags\":[],\"deviceValue\":10.7,\"deviceUnit\":\"kPa\","
                                + "\"userIndex\":null,\"mdc\":150022}",
                        "{\"code\":\"8478-0\",\"display\":\"Mean blood pressure\",\"value\":93.0,\"unit\":\"mm[Hg]\","
                                + "\"effective\":null,\"flags\":[],\"deviceValue\":12.4,\"deviceUnit\":\"kPa\","
                                + "\"userIndex\":null,\"mdc\":150023}");
    }

    @Test
    void fullUuidDeviceQuirkAndNanFlags() {
        assertThat(run(
                        "--uuid",
                        "00002a35-0000-1000-8000-00805f9b34fb",
                        "--device",
                        "omron-hem-9200t",
                        "--hex",
                        "1E FF07 5500 6400 E107 01 01 00 00 3B 4000 01 0000"))
                .isZero();
        assertThat(out.toString().lines().findFirst().orElseThrow())
                .contains(
                        "\"value\":null",
                        "\"effective\":null",
                        "\"flags\":[\"DEVICE_CLOCK_UNRELIABLE\",\"MEASUREMENT_FAILED\"]");
    }

    @Test
    void undecodableBytesExitNonZeroNamingTheProblem() {
        assertThat(run("--uuid", "2A9D", "--hex", "00 B6")).isEqualTo(1);
        assertThat(err.toString()).contains("decode error: truncated: weight needs 2 byte(s) at offset 1");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void usageErrors() {
        assertThat(run("--uuid", "2A35", "--hex", "zz")).isEqualTo(2);
        assertThat(err.toString()).contains("--hex is not hex");
        assertThat(run("--hex", "00")).isEqualTo(2);
        assertThat(run("--uuid", "2A35", "--hex", "00", "--device", "nope")).isEqualTo(2);
    }

    @Test
    void astmFramesFromAFileAndPlainRecords(@TempDir Path dir) throws IOException {
        Path wire = dir.resolve("istat.bin");
        StringBuilder s = new StringBuilder("\u0005");
        for (byte[] f : AstmFrames.frames(
                List.of("H|\\^&", "P|1|PAT-1", "R|1|^^^Crea|95|umol/L||N||F||||20261123081000", "L|1|N"))) {
            s.append(new String(f, StandardCharsets.ISO_8859_1));
        }
        Files.write(wire, (s + "\u0004").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(run("--protocol", "astm", "--file", wire.toString())).isZero();
        assertThat(out.toString())
                .contains(
                        "\"code\":\"14682-9\"",
                        "\"value\":95.0",
                        "\"unit\":\"umol/L\"",
                        "\"effective\":\"2026-11-23T08:10\"",
                        "\"patientId\":\"PAT-1\"",
                        "\"testCode\":\"Crea\"");

        byte[] bytes = Files.readAllBytes(wire);
        bytes[10] ^= 1; // corrupt the first frame
        Files.write(wire, bytes);
        assertThat(run("--protocol", "ASTM", "--file", wire.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("ASTM frame 1 rejected");
    }

    @Test
    void senmlAndPoct1() throws IOException {
        assertThat(run(
                        "--protocol",
                        "senml",
                        "--zone",
                        "UTC",
                        "--hex",
                        HexFormat.of()
                                .formatHex("[{\"n\":\"spo2\",\"u\":\"%\",\"v\":95}]".getBytes(StandardCharsets.UTF_8))))
                .isZero();
        assertThat(out.toString()).contains("\"code\":\"59408-5\"", "\"value\":95.0");
        assertThat(run(
                        "--protocol",
                        "poct1",
                        "--hex",
                        HexFormat.of().formatHex("<OBS.R01><HDR>".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(1);
        assertThat(err.toString()).contains("not well-formed XML");
    }

    @Test
    void nonObservationCharacteristicsPrintWhatTheySay() {
        assertThat(run("--uuid", "2A52", "--hex", "0600 0106")).isZero();
        assertThat(out.toString()).contains("\"racpResponse\":{\"requestOpCode\":1,\"code\":\"NO_RECORDS_FOUND\"");
    }
}
