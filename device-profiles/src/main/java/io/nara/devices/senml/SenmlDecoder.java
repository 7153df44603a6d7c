package io.nara.devices.senml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SenML (RFC 8428) packs in JSON and CBOR from constrained devices over CoAP.
 *
 * <p>Names: the resolved name (base name + name) is matched by its last segment (after ':', '/' or '.') against the
 * signal names below, or taken as a LOINC code the vocabulary knows ("urn:dev:mac:0024befffe804ff1:29463-7").
 * Times: SenML times are UTC seconds; absolute times (at or after 2^28 s) are converted to the hub's zone so they read
 * like a BLE device's local clock; relative times (below 2^28 s: the device has no clock, and {@code bt + t} counts
 * back from the moment the pack arrived, RFC 8428 section 4.5.3) are counted from the hub's time of receipt when the
 * caller gives one ({@link Context#received}), else they give no device time.
 *
 * <p>A bare "temp" or "temperature" is a body temperature only from a device whose catalogue profile is a thermometer
 * ({@link Context#bodyThermometer}): from anything else it is a room or device temperature, skipped with the reason.
 */
public final class SenmlDecoder {

    /** RFC 8428 section 4.5.3: times below 2^28 are relative to "now". */
    private static final double RELATIVE_TIME_LIMIT = 268_435_456d;

    private static final Map<String, ClinicalCode> NAMES = Map.ofEntries(
            Map.entry("weight", Vocabulary.BODY_WEIGHT),
            Map.entry("mass", Vocabulary.BODY_WEIGHT),
            Map.entry("bodyweight", Vocabulary.BODY_WEIGHT),
            Map.entry("height", Vocabulary.BODY_HEIGHT),
            Map.entry("bmi", Vocabulary.BMI),
            Map.entry("systolic", Vocabulary.SYSTOLIC),
            Map.entry("diastolic", Vocabulary.DIASTOLIC),
            Map.entry("map", Vocabulary.MEAN_ARTERIAL_PRESSURE),
            Map.entry("mean", Vocabulary.MEAN_ARTERIAL_PRESSURE),
            Map.entry("pulse", Vocabulary.HEART_RATE),
            Map.entry("heartrate", Vocabulary.HEART_RATE),
            Map.entry("hr", Vocabulary.HEART_RATE),
            Map.entry("spo2", Vocabulary.SPO2),
            Map.entry("bodytemperature", Vocabulary.BODY_TEMPERATURE),
            Map.entry("bodytemp", Vocabulary.BODY_TEMPERATURE),
            Map.entry("glucose", Vocabulary.GLUCOSE),
            Map.entry("bodyfat", Vocabulary.BODY_FAT_PERCENTAGE));

    /** Names that mean a body temperature only when the device is a body thermometer. */
    private static final Set<String> AMBIGUOUS_TEMPERATURE = Set.of("temp", "temperature");

    /**
     * What the decoder needs to know beyond the bytes.
     *
     * @param received        when the hub received the pack, by its own clock: relative times count back from it
     *                        (a hub whose clock is not synchronised re-times them with the receipt); null when
     *                        unknown (the decode command line), and then relative times give no device time
     * @param bodyThermometer the device's catalogue profile is a thermometer, so "temp" is its body temperature
     */
    public record Context(Instant received, boolean bodyThermometer) {
        /** Nothing known: relative times give no device time and "temp" is not a body temperature. */
        public static final Context NONE = new Context(null, false);
    }

    /** RFC 8428 section 6 CBOR labels for the fields, as Jackson reports integer map keys. */
    private static final Map<String, String> CBOR_LABELS = Map.ofEntries(
            Map.entry("-1", "bver"),
            Map.entry("-2", "bn"),
            Map.entry("-3", "bt"),
            Map.entry("-4", "bu"),
            Map.entry("-5", "bv"),
            Map.entry("-6", "bs"),
            Map.entry("0", "n"),
            Map.entry("1", "u"),
            Map.entry("2", "v"),
            Map.entry("3", "vs"),
            Map.entry("4", "vb"),
            Map.entry("5", "s"),
            Map.entry("6", "t"),
            Map.entry("7", "ut"),
            Map.entry("8", "vd"));

    /**
     * What a pack held.
     *
     * @param measurements records mapped to the vocabulary
     * @param skipped      records that were valid SenML but not a signal Nära knows, each naming why
     */
    public record Result(List<Measurement> measurements, List<String> skipped) {
        public Result {
            measurements = List.copyOf(measurements);
            skipped = List.copyOf(skipped);
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final CBORMapper cbor = new CBORMapper();
    private final ZoneId zone;

    /** @param zone the hub's time zone, to express absolute SenML times as local device time */
    public SenmlDecoder(ZoneId zone) {
        this.zone = zone;
    }

    public Result decodeJson(byte[] pack) throws DecodeException {
        return decodeJson(pack, Context.NONE);
    }

    public Result decodeCbor(byte[] pack) throws DecodeException {
        return decodeCbor(pack, Context.NONE);
    }

    public Result decodeJson(byte[] pack, Context context) throws DecodeException {
        return decode(read(json, pack, "JSON"), false, context);
    }

    public Result decodeCbor(byte[] pack, Context context) throws DecodeException {
        return decode(read(cbor, pack, "CBOR"), true, context);
    }

    private static JsonNode read(ObjectMapper mapper, byte[] pack, String format) throws DecodeException {
        if (pack == null || pack.length == 0) {
            throw new DecodeException("SenML " + format + " pack is empty");
        }
        try {
            JsonNode node = mapper.readTree(pack);
            if (node == null) {
                throw new DecodeException("SenML " + format + " pack is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new DecodeException("SenML " + format + " is malformed: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new DecodeException("SenML " + format + " cannot be read: " + e.getMessage());
        } catch (RuntimeException e) {
            // Jackson's CBOR parser signals some corrupt inputs with unchecked exceptions.
            throw new DecodeException("SenML " + format + " is malformed: " + e);
        }
    }

    private Result decode(JsonNode pack, boolean cborLabels, Context context) throws DecodeException {
        if (!pack.isArray()) {
            throw new DecodeException("SenML pack must be an array of records");
        }
        String baseName = "";
        double baseTime = 0;
        String baseUnit = null;
        double baseValue = 0;
        List<Measurement> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < pack.size(); i++) {
            JsonNode r = pack.get(i);
            int n = i + 1;
            if (!r.isObject()) {
                throw new DecodeException("SenML record " + n + " is not an object");
            }
            Fields f = new Fields(r, cborLabels, n);
            if (f.has("bver") && f.number("bver") > 10) {
                throw new DecodeException(
                        "SenML record " + n + ": base version " + f.number("bver") + " is newer than RFC 8428 (10)");
            }
            baseName = f.has("bn") ? f.text("bn") : baseName;
            baseTime = f.has("bt") ? f.number("bt") : baseTime;
            baseUnit = f.has("bu") ? f.text("bu") : baseUnit;
            baseValue = f.has("bv") ? f.number("bv") : baseValue;
            boolean hasValue = f.has("v") || f.has("vs") || f.has("vb") || f.has("vd") || f.has("s");
            if (!hasValue) {
                if (f.has("v") || f.has("n") || f.has("u")) {
                    throw new DecodeException("SenML record " + n + " has a name or unit but no value");
                }
                continue; // a base-only record
            }
            String name = baseName + (f.has("n") ? f.text("n") : "");
            if (name.isEmpty()) {
                throw new DecodeException("SenML record " + n + " has no name (n or bn)");
            }
            if (!f.has("v")) {
                skipped.add("record " + n + " (" + name + "): not a numeric value");
                continue;
            }
            Optional<ClinicalCode> code = resolve(name);
            if (code.isEmpty()
                    && !context.bodyThermometer()
                    && AMBIGUOUS_TEMPERATURE.contains(lastSegment(name).toLowerCase(Locale.ROOT))) {
                skipped.add("record " + n + " (" + name + "): a temperature from a device that is not a body "
                        + "thermometer (room or device temperature)");
                continue;
            }
            if (code.isEmpty()
                    && context.bodyThermometer()
                    && AMBIGUOUS_TEMPERATURE.contains(lastSegment(name).toLowerCase(Locale.ROOT))) {
                code = Optional.of(Vocabulary.BODY_TEMPERATURE);
            }
            if (code.isEmpty()) {
                skipped.add("record " + n + " (" + name + "): not a signal Nära knows");
                continue;
            }
            String unit = f.has("u") ? f.text("u") : baseUnit;
            if (unit == null) {
                skipped.add("record " + n + " (" + name + "): no unit");
                continue;
            }
            double deviceValue = baseValue + f.number("v");
            double time = baseTime + (f.has("t") ? f.number("t") : 0);
            Optional<Double> value = Vocabulary.toVocabularyUnit(code.get(), deviceValue, unit);
            if (value.isEmpty()) {
                skipped.add("record " + n + " (" + name + "): unit '" + unit + "' is not known for "
                        + code.get().display());
                continue;
            }
            out.add(Measurement.converted(
                    code.get(),
                    value.get(),
                    deviceValue,
                    unit,
                    localTime(time, n, context.received()),
                    null,
                    Set.<ObservationFlag>of()));
        }
        return new Result(out, skipped);
    }

    private LocalDateTime localTime(double seconds, int record, Instant received) throws DecodeException {
        if (seconds < RELATIVE_TIME_LIMIT) {
            // Relative to the pack's arrival (usually zero or negative: measured that many seconds ago).
            if (received == null) {
                return null;
            }
            long millis = Math.round(seconds * 1000);
            return LocalDateTime.ofInstant(received.plusMillis(millis), zone);
        }
        if (seconds > 253_402_300_799d) { // 9999-12-31T23:59:59Z
            throw new DecodeException("SenML record " + record + ": time " + seconds + " is after the year 9999");
        }
        long whole = (long) Math.floor(seconds);
        long nanos = Math.round((seconds - whole) * 1e9);
        return LocalDateTime.ofInstant(Instant.ofEpochSecond(whole, Math.min(nanos, 999_999_999)), zone);
    }

    private static String lastSegment(String name) {
        int cut = Math.max(name.lastIndexOf(':'), Math.max(name.lastIndexOf('/'), name.lastIndexOf('.')));
        return name.substring(cut + 1);
    }

    static Optional<ClinicalCode> resolve(String name) {
        String last = lastSegment(name);
        Optional<ClinicalCode> byCode = Vocabulary.byCode(last);
        if (byCode.isPresent()) {
            return byCode;
        }
        return Optional.ofNullable(NAMES.get(last.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "")));
    }

    /** One record's fields under their RFC 8428 JSON names, checked for type. */
    private static final class Fields {
        private final Map<String, JsonNode> byName = new HashMap<>();
        private final int record;

        Fields(JsonNode r, boolean cborLabels, int record) throws DecodeException {
            this.record = record;
            Iterator<Map.Entry<String, JsonNode>> it = r.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = cborLabels ? CBOR_LABELS.getOrDefault(e.getKey(), e.getKey()) : e.getKey();
                if (key.endsWith("_")) {
                    // RFC 8428 section 4.4: a field name ending in '_' must be understood or the pack rejected.
                    throw new DecodeException("SenML record " + record + " has mandatory-to-understand field '" + key
                            + "' that Nära does not know");
                }
                byName.put(key, e.getValue());
            }
        }

        boolean has(String name) {
            return byName.containsKey(name);
        }

        String text(String name) throws DecodeException {
            JsonNode v = byName.get(name);
            if (!v.isTextual()) {
                throw new DecodeException("SenML record " + record + ": field " + name + " must be a string");
            }
            return v.textValue();
        }

        double number(String name) throws DecodeException {
            JsonNode v = byName.get(name);
            if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                throw new DecodeException("SenML record " + record + ": field " + name + " must be a finite number");
            }
            return v.doubleValue();
        }
    }
}
