package io.nara.devices.poct1;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.analyzer.Analytes;
import io.nara.devices.analyzer.AnalyzerReport;
import io.nara.devices.analyzer.AnalyzerResult;
import io.nara.devices.analyzer.ResultValues;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * POCT1-A2 observation messages (OBS.R01): each SVC (service: one test event) holds its role, time and operator, a PT
 * (patient) and that patient's OBS (observations). Also reads the same structure in a patient-less QC service.
 */
public final class Poct1Observations {

    private final Analytes analytes;

    public Poct1Observations(Analytes analytes) {
        this.analytes = analytes;
    }

    public AnalyzerReport parse(byte[] xml) throws DecodeException {
        return parse(Poct1Message.parse(xml));
    }

    public AnalyzerReport parse(Poct1Message message) throws DecodeException {
        if (!message.type().equals("OBS.R01") && !message.type().equals("OBS.R02")) {
            throw new DecodeException("POCT1 message " + message.type() + " is not an observation message (OBS.R01)");
        }
        List<AnalyzerResult> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<Element> services = Poct1Xml.children(message.root(), "SVC");
        for (int s = 0; s < services.size(); s++) {
            Element svc = services.get(s);
            String where = "SVC " + (s + 1);
            String role = Optional.ofNullable(Poct1Xml.value(svc, "SVC.role_cd"))
                    .orElse("OBS")
                    .trim();
            LocalDateTime time = time(Poct1Xml.value(svc, "SVC.observation_dttm"), where);
            String sampleId = Poct1Xml.value(svc, "SVC.sequence_nbr");
            Set<ObservationFlag> common = EnumSet.noneOf(ObservationFlag.class);
            // OBS is a patient test; LQC/EQC (liquid/electronic quality control), CAL, PRF are not patient data.
            if (!role.equalsIgnoreCase("OBS")) {
                common.add(ObservationFlag.NOT_PATIENT_DATA);
            }
            Element pt = Poct1Xml.child(svc, "PT");
            String patientId = pt == null ? null : Poct1Xml.value(pt, "PT.patient_id");
            List<Element> observations = new ArrayList<>(Poct1Xml.children(svc, "OBS"));
            if (pt != null) {
                observations.addAll(Poct1Xml.children(pt, "OBS"));
            }
            for (int o = 0; o < observations.size(); o++) {
                observation(
                        observations.get(o),
                        where + " OBS " + (o + 1),
                        patientId,
                        sampleId,
                        time,
                        common,
                        results,
                        skipped);
            }
        }
        return new AnalyzerReport(results, skipped);
    }

    private void observation(
            Element obs,
            String where,
            String patientId,
            String sampleId,
            LocalDateTime svcTime,
            Set<ObservationFlag> common,
            List<AnalyzerResult> results,
            List<String> skipped)
            throws DecodeException {
        String testCode = Poct1Xml.value(obs, "OBS.observation_id");
        Optional<ClinicalCode> code = analytes.resolve(testCode);
        if (code.isEmpty()) {
            skipped.add(where + ": unknown observation id '" + testCode + "'");
            return;
        }
        Set<ObservationFlag> flags = EnumSet.noneOf(ObservationFlag.class);
        flags.addAll(common);
        String interpretation = Poct1Xml.value(obs, "OBS.interpretation_cd");
        if (interpretation != null) {
            switch (interpretation.trim().toUpperCase(Locale.ROOT)) {
                case "H", "L", "HH", "LL", "A", "AA" -> flags.add(ObservationFlag.ABNORMAL);
                case ">" -> flags.add(ObservationFlag.ABOVE_MEASURING_RANGE);
                case "<" -> flags.add(ObservationFlag.BELOW_MEASURING_RANGE);
                default -> {
                    // N (normal) or empty
                }
            }
        }
        LocalDateTime own = time(Poct1Xml.value(obs, "OBS.observation_dttm"), where);
        String value = Poct1Xml.value(obs, "OBS.value");
        String unit = Poct1Xml.attribute(obs, "OBS.value", "U");
        try {
            Measurement m = ResultValues.measurement(code.get(), value, unit, own != null ? own : svcTime, flags);
            results.add(new AnalyzerResult(patientId, sampleId, testCode, m));
        } catch (DecodeException e) {
            skipped.add(where + ": " + e.getMessage());
        }
    }

    /** POCT1-A times are ISO 8601 with an offset; the device's local wall-clock time is kept, as for BLE devices. */
    private static LocalDateTime time(String text, String where) throws DecodeException {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.trim()).toLocalDateTime();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text.trim());
            } catch (DateTimeParseException e2) {
                throw new DecodeException(where + ": time '" + text + "' is not ISO 8601");
            }
        }
    }
}
