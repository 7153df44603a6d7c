package io.nara.ingest.clinic;

import io.nara.ingest.alerting.EscalationAction;
import io.nara.ingest.alerting.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The evaluation figures as CSV: UTF-8, semicolon-separated (what a spreadsheet set to Swedish expects), a point as
 * decimal separator (so programs read the numbers unchanged), one header line, one line per team and month, an empty
 * field where a figure has no data. Fields holding a semicolon, quote or line break are quoted (RFC 4180). Pure.
 */
public final class EvaluationCsv {

    public static final String CONTENT_TYPE = "text/csv; charset=utf-8";

    private EvaluationCsv() {}

    public static List<String> header() {
        List<String> header = new ArrayList<>(List.of(
                "team",
                "team_name",
                "month",
                "patient_months",
                "alerts",
                "alerts_per_patient_month",
                "reading_to_alert_median_s",
                "reading_to_alert_p90_s",
                "acknowledged",
                "acknowledge_median_s",
                "acknowledge_p90_s",
                "resolved",
                "no_action_needed",
                "share_no_action",
                "escalations",
                "unstaffed",
                "unroutable"));
        for (Outcome o : Outcome.values()) {
            header.add("outcome_" + o.name().toLowerCase(Locale.ROOT));
        }
        header.addAll(List.of(
                "expected_measurements",
                "taken_measurements",
                "adherence",
                "discharges",
                "readmissions_30d",
                "readmission_rate"));
        for (EscalationAction a : EscalationAction.values()) {
            header.add("action_" + a.name().toLowerCase(Locale.ROOT));
        }
        header.addAll(
                List.of("alerts_with_action", "first_action_median_s", "first_action_p90_s", "ed_visits_avoided"));
        return header;
    }

    public static String write(List<Evaluation.Figures> rows) {
        StringBuilder out = new StringBuilder();
        line(out, header());
        for (Evaluation.Figures f : rows) {
            List<String> fields = new ArrayList<>(List.of(
                    f.teamId(),
                    f.teamName(),
                    f.month().toString(),
                    num(f.patientMonths()),
                    num(f.alerts()),
                    num(f.alertsPerPatientMonth()),
                    num(f.readingToAlertMedianSeconds()),
                    num(f.readingToAlertP90Seconds()),
                    num(f.acknowledged()),
                    num(f.acknowledgeMedianSeconds()),
                    num(f.acknowledgeP90Seconds()),
                    num(f.resolved()),
                    num(f.noActionNeeded()),
                    num(f.shareNoAction()),
                    num(f.escalations()),
                    num(f.unstaffed()),
                    num(f.unroutable())));
            for (Outcome o : Outcome.values()) {
                fields.add(num(f.outcomes().getOrDefault(o.name(), 0)));
            }
            fields.addAll(List.of(
                    num(f.expectedMeasurements()),
                    num(f.takenMeasurements()),
                    num(f.adherence()),
                    num(f.discharges()),
                    num(f.readmissions30d()),
                    num(f.readmissionRate())));
            for (EscalationAction a : EscalationAction.values()) {
                fields.add(num(f.actions().getOrDefault(a.name(), 0)));
            }
            fields.addAll(List.of(
                    num(f.alertsWithAction()),
                    num(f.firstActionMedianSeconds()),
                    num(f.firstActionP90Seconds()),
                    num(f.edVisitsAvoided())));
            line(out, fields);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(';');
            }
            out.append(quote(fields.get(i)));
        }
        out.append("\r\n");
    }

    static String quote(String field) {
        if (field == null) {
            return "";
        }
        if (field.contains(";") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }

    private static String num(Number n) {
        if (n == null) {
            return "";
        }
        if (n instanceof Double d) {
            return d == Math.rint(d) ? Long.toString(d.longValue()) : Double.toString(d);
        }
        return n.toString();
    }
}
