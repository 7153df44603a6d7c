package io.nara.devices.catalogue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nara.devices.Quirk;
import io.nara.devices.gatt.GattDecoders;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The device catalogue: one JSON file per device model under {@code catalogue/} on the class path, listed in
 * {@code catalogue/index.txt}. Every file is validated when loaded; a bad file fails loading with a message naming
 * the file and the problem, so a typo never reaches a hub as a silently ignored setting.
 */
public final class DeviceCatalogue {

    static final String INDEX = "catalogue/index.txt";
    private static final Pattern UUID16 = Pattern.compile("[0-9A-F]{4}");
    private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    /** Characteristics the hub writes or reads for control, not measurements; they need no decoder. */
    private static final Set<String> CONTROL = Set.of(
            "2A08", // Date Time
            "2A2B", // Current Time
            "2A52", // Record Access Control Point
            "2A49", // Blood Pressure Feature
            "2A51", // Glucose Feature
            "2A60", // PLX Features
            "2A19", // Battery Level
            "2A9F", // User Control Point
            "2A99", // Database Change Increment
            "2A9A", // User Index
            "2A1D", // Temperature Type
            "2A1E", // Intermediate Temperature (live display only)
            "2A21", // Measurement Interval
            "2A38"); // Body Sensor Location

    private final Map<String, DeviceProfile> byId;

    private DeviceCatalogue(Map<String, DeviceProfile> byId) {
        this.byId = Map.copyOf(byId);
    }

    /** Loads the catalogue shipped in this module. */
    public static DeviceCatalogue builtIn() {
        ClassLoader loader = DeviceCatalogue.class.getClassLoader();
        ObjectMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .build();
        Map<String, DeviceProfile> profiles = new LinkedHashMap<>();
        for (String file : index(loader)) {
            try (InputStream in = loader.getResourceAsStream("catalogue/" + file)) {
                if (in == null) {
                    throw new CatalogueException(file + ": listed in " + INDEX + " but missing");
                }
                DeviceProfile profile = mapper.readValue(in, DeviceProfile.class);
                validate(file, profile);
                if (profiles.put(profile.id(), profile) != null) {
                    throw new CatalogueException(file + ": id " + profile.id() + " is listed twice");
                }
            } catch (IOException e) {
                throw new CatalogueException(file + ": " + e.getMessage(), e);
            }
        }
        return new DeviceCatalogue(profiles);
    }

    private static List<String> index(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(INDEX)) {
            if (in == null) {
                throw new CatalogueException(INDEX + " is missing from the class path");
            }
            List<String> files = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    files.add(t);
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(INDEX + " cannot be read", e);
        }
    }

    /** Checks what JSON mapping cannot: required fields, consistency between protocol, transport and the rest. */
    static void validate(String file, DeviceProfile p) {
        List<String> problems = new ArrayList<>();
        require(p.id(), "id", problems);
        require(p.manufacturer(), "manufacturer", problems);
        require(p.model(), "model", problems);
        require(p.family(), "family", problems);
        if (p.kind() == null
                || p.transport() == null
                || p.protocol() == null
                || p.storedRecords() == null
                || p.clock() == null) {
            problems.add("kind, transport, protocol, storedRecords and clock are required");
        }
        if (p.id() != null && (!ID.matcher(p.id()).matches() || !file.equals(p.id() + ".json"))) {
            problems.add("id '" + p.id() + "' must be lower-case words joined by '-' and equal the file name");
        }
        if (p.family() != null && !ID.matcher(p.family()).matches()) {
            problems.add("family '" + p.family() + "' must be lower-case words joined by '-'");
        }
        if (p.protocol() == DeviceProfile.Protocol.GATT) {
            if (p.transport() != DeviceProfile.Transport.BLE) {
                problems.add("GATT devices use transport BLE");
            }
            if (p.services().isEmpty() || p.characteristics().isEmpty()) {
                problems.add("a GATT device names its services and characteristics");
            }
            boolean measures = false;
            for (String c : p.characteristics()) {
                if (!UUID16.matcher(c).matches()) {
                    problems.add("characteristic '" + c + "' is not 4 upper-case hex digits");
                } else if (GattDecoders.forCharacteristic(Integer.parseInt(c, 16))
                        .isPresent()) {
                    measures |= !c.equals("2A9E") && !c.equals("2A52");
                } else if (!CONTROL.contains(c)) {
                    problems.add("characteristic " + c + " has no decoder and is not a known control characteristic");
                }
            }
            if (!measures) {
                problems.add("no characteristic of this device carries measurements");
            }
            for (String s : p.services()) {
                if (!UUID16.matcher(s).matches()) {
                    problems.add("service '" + s + "' is not 4 upper-case hex digits");
                }
            }
        } else if (!p.services().isEmpty() || !p.characteristics().isEmpty()) {
            problems.add(p.protocol() + " devices have no GATT services or characteristics");
        }
        if (p.clock() != null) {
            String c = p.clock().characteristic();
            if (c != null && !c.equals("2A08") && !c.equals("2A2B")) {
                problems.add("clock characteristic must be 2A08 or 2A2B, not " + c);
            }
            if (c != null && !p.characteristics().contains(c)) {
                problems.add("clock characteristic " + c + " is not among the characteristics");
            }
            if (p.quirks().contains(Quirk.UNSET_CLOCK_REPORTS_DEFAULT_DATE)
                    != (p.clock().unsetBefore() != null)) {
                problems.add("clock.unsetBefore is set exactly when quirk UNSET_CLOCK_REPORTS_DEFAULT_DATE is");
            }
        }
        if (p.storedRecords() != null
                && p.storedRecords().method() == DeviceProfile.Method.RACP
                && !p.characteristics().contains("2A52")) {
            problems.add("stored records by RACP need characteristic 2A52");
        }
        if (!p.analytes().isEmpty() && p.kind() != DeviceProfile.Kind.ANALYZER) {
            problems.add("only analyzers map analytes");
        }
        try {
            p.analyteMap();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new CatalogueException(file + ": " + String.join("; ", problems));
        }
    }

    private static void require(String value, String field, List<String> problems) {
        if (value == null || value.isBlank()) {
            problems.add(field + " is required");
        }
    }

    public Optional<DeviceProfile> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<DeviceProfile> all() {
        return byId.values();
    }

    /** A catalogue file that is missing or invalid: a build or packaging error, never a runtime condition. */
    public static final class CatalogueException extends RuntimeException {
        CatalogueException(String message) {
            super(message);
        }

        CatalogueException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
