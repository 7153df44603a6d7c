package io.nara.devices.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nara.devices.DecodeException;
import io.nara.devices.Quirk;
import io.nara.devices.Quirks;
import io.nara.devices.analyzer.Analytes;
import io.nara.devices.astm.AstmLinkReceiver;
import io.nara.devices.astm.AstmRecords;
import io.nara.devices.gatt.GattDecoders;
import io.nara.devices.gatt.IntermediateCuffPressure;
import io.nara.devices.gatt.RecordAccessControlPoint;
import io.nara.devices.gatt.WeightScaleFeature;
import io.nara.devices.poct1.Poct1Conversation;
import io.nara.devices.poct1.Poct1Observations;
import io.nara.devices.senml.SenmlDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzz targets for every decoder: whatever the bytes, nothing but {@link DecodeException} may escape (an
 * IllegalArgumentException from a Measurement invariant, an index error, a parser's runtime exception all fail).
 *
 * <p>Plain {@code mvn test} replays the corpus under src/test/resources/io/nara/devices/fuzz/DecoderFuzzTestInputs/
 * (regression mode). {@code mvn verify} also fuzzes each target for a bounded time (see the failsafe executions in
 * this module's pom.xml); a crash is written to that directory and becomes a regression test.
 */
class DecoderFuzzTest {

    /** The 16-bit UUIDs in a fixed order: the first input byte picks one. */
    private static final int[] GATT = {
        0x2A35, 0x2A36, 0x2A9D, 0x2A9E, 0x2A9C, 0x2A5E, 0x2A5F, 0x2A37, 0x2A1C, 0x2A18, 0x2A34, 0x2A52
    };

    private static final Quirk[] QUIRKS = Quirk.values();

    /**
     * Byte 0 picks the characteristic, byte 1 is a bit set of quirks, the rest is the characteristic value. Covers
     * every GATT decoder with and without every quirk, and the typed parsers behind the non-observation ones.
     */
    @FuzzTest(maxDuration = "15s")
    void gatt(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int uuid = GATT[(input[0] & 0xFF) % GATT.length];
        Set<Quirk> quirks = EnumSet.noneOf(Quirk.class);
        for (int i = 0; i < QUIRKS.length && i < 8; i++) {
            if ((input[1] & (1 << i)) != 0) {
                quirks.add(QUIRKS[i]);
            }
        }
        byte[] value = Arrays.copyOfRange(input, 2, input.length);
        try {
            GattDecoders.decode(uuid, value, new Quirks(quirks, LocalDate.of(2018, 1, 1)));
        } catch (DecodeException expected) {
            // the only allowed failure
        }
        try {
            switch (uuid) {
                case WeightScaleFeature.UUID16 -> WeightScaleFeature.parse(value);
                case RecordAccessControlPoint.UUID16 -> RecordAccessControlPoint.parseResponse(value);
                case IntermediateCuffPressure.UUID16 -> IntermediateCuffPressure.cuffPressureMmHg(value);
                default -> {
                    // covered by GattDecoders above
                }
            }
        } catch (DecodeException expected) {
            // the only allowed failure
        }
    }

    /** The E1381 receiver must survive any byte stream; what it delivers goes through the E1394 parser. */
    @FuzzTest(maxDuration = "15s")
    void astm(byte[] input) {
        AstmLinkReceiver receiver = new AstmLinkReceiver();
        List<AstmLinkReceiver.Action> actions = new ArrayList<>(receiver.onBytes(input));
        actions.addAll(receiver.stored());
        actions.addAll(receiver.onTimeout());
        AstmRecords records = new AstmRecords(Analytes.COMMON_ONLY, Quirks.of(Quirk.ASTM_RECORDS_END_WITH_CRLF));
        for (AstmLinkReceiver.Action a : actions) {
            if (a instanceof AstmLinkReceiver.Deliver d) {
                try {
                    records.parse(d.records());
                } catch (DecodeException expected) {
                    // the only allowed failure
                }
            }
        }
        // The same bytes read as plain records, one per line, reach the parser without the framing.
        try {
            records.parse(List.of(new String(input, StandardCharsets.ISO_8859_1).split("\r")));
        } catch (DecodeException expected) {
            // the only allowed failure
        }
    }

    /** POCT1 messages through the observation parser and through a whole conversation. */
    @FuzzTest(maxDuration = "15s")
    void poct1(byte[] input) {
        Poct1Observations observations = new Poct1Observations(Analytes.COMMON_ONLY);
        try {
            observations.parse(input);
        } catch (DecodeException expected) {
            // the only allowed failure
        }
        Poct1Conversation conversation =
                new Poct1Conversation(Clock.fixed(Instant.parse("2026-11-23T07:00:00Z"), ZoneOffset.UTC), observations);
        for (Poct1Conversation.Action a : conversation.onMessage(input)) {
            if (a instanceof Poct1Conversation.Deliver d) {
                conversation.stored(d.controlId());
            }
        }
        conversation.onTimeout();
    }

    /** SenML in JSON and CBOR. */
    @FuzzTest(maxDuration = "15s")
    void senml(byte[] input) {
        SenmlDecoder decoder = new SenmlDecoder(ZoneOffset.UTC);
        try {
            decoder.decodeJson(input);
        } catch (DecodeException expected) {
            // the only allowed failure
        }
        try {
            decoder.decodeCbor(input);
        } catch (DecodeException expected) {
            // the only allowed failure
        }
    }
}
