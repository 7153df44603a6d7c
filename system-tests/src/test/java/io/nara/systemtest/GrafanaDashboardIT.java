package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nara.ingest.observation.ObservationStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.influxdb.InfluxDB;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard that deploy/grafana provisions, checked without Grafana (not packaged in Debian here): the
 * provisioning files parse and point at each other, and EVERY panel's InfluxQL, with Grafana's macros substituted as
 * Grafana would, runs against the real InfluxDB holding readings of two patients and returns series. A renamed tag, a
 * typo in a LOINC code or a query InfluxDB refuses fails here instead of showing an empty panel to the analysts.
 */
class GrafanaDashboardIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PATIENTS = List.of("patient-grafana-1", "patient-grafana-2");

    private static DevStack stack;
    private static Path grafana;
    private static ObservationStore.Settings influx;
    private static Instant now;

    @BeforeAll
    static void readingsOfTwoPatients() {
        stack = DevStack.ensureUp();
        grafana = stack.repoRoot().resolve("deploy/grafana");
        influx = stack.freshInflux();
        now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        double offset = 0;
        for (String patient : PATIENTS) {
            Map<String, Double> base =
                    Map.of("29463-7", 80.0 + offset, "8480-6", 120.0 + offset, "8867-4", 70.0, "59408-5", 95.0);
            Map<String, String> units = Map.of("29463-7", "kg", "8480-6", "mm[Hg]", "8867-4", "/min", "59408-5", "%");
            for (Map.Entry<String, Double> code : base.entrySet()) {
                Map<Instant, Double> values = new TreeMap<>();
                for (int day = 0; day < 3; day++) {
                    values.put(now.minus(Duration.ofDays(day)).minus(Duration.ofHours(2)), code.getValue() + day * 0.5);
                }
                // Pulse and SpO2 as a night oximeter sends them: raw continuous samples, in their own policy.
                if (code.getKey().equals("8867-4") || code.getKey().equals("59408-5")) {
                    ClinicData.continuousSamples(
                            influx, "hub-grafana-" + patient, patient, code.getKey(), units.get(code.getKey()), values);
                } else {
                    ClinicData.readings(
                            influx, "hub-grafana-" + patient, patient, code.getKey(), units.get(code.getKey()), values);
                }
            }
            offset += 5;
        }
        Map<Instant, Double> failed = new HashMap<>();
        failed.put(now.minus(Duration.ofHours(5)), null);
        ClinicData.readings(influx, "hub-grafana-failing", PATIENTS.get(0), "8480-6", "mm[Hg]", failed);
    }

    @Test
    void theProvisioningFilesPointAtTheInfluxDbDatasourceAndTheDashboardFolder() throws Exception {
        JsonNode datasources = YAML.readTree(
                grafana.resolve("provisioning/datasources/nara-influxdb.yaml").toFile());
        assertThat(datasources.get("apiVersion").asInt()).isEqualTo(1);
        JsonNode ds = datasources.get("datasources").get(0);
        assertThat(ds.get("type").asText()).isEqualTo("influxdb");
        assertThat(ds.get("jsonData").get("version").asText()).isEqualTo("InfluxQL");
        assertThat(ds.get("uid").asText()).isEqualTo("nara-influxdb");
        assertThat(ds.has("password"))
                .as("the password comes from secureJsonData, never in clear")
                .isFalse();

        JsonNode providers = YAML.readTree(
                grafana.resolve("provisioning/dashboards/nara.yaml").toFile());
        JsonNode provider = providers.get("providers").get(0);
        assertThat(provider.get("type").asText()).isEqualTo("file");
        String path = provider.get("options").get("path").asText();
        Path folder = Path.of(path.replace(
                "${NARA_GRAFANA_DASHBOARDS}", grafana.resolve("dashboards").toString()));
        assertThat(folder.resolve("nara-clinic.json")).exists();

        // Every variable the provisioning files expand is explained in deploy/README.md.
        String readme = Files.readString(stack.repoRoot().resolve("deploy/README.md"));
        for (Path file : List.of(
                grafana.resolve("provisioning/datasources/nara-influxdb.yaml"),
                grafana.resolve("provisioning/dashboards/nara.yaml"))) {
            Matcher m = Pattern.compile("\\$\\{([A-Z_]+)}").matcher(Files.readString(file));
            while (m.find()) {
                assertThat(readme).as(m.group(1) + " documented").contains(m.group(1));
            }
        }

        for (JsonNode panel : panels(dashboard().get("panels"))) {
            assertThat(panel.get("datasource").get("uid").asText())
                    .as(panel.get("title").asText())
                    .isEqualTo("nara-influxdb");
        }
    }

    @Test
    void everyPanelsQueryRunsAgainstInfluxDbAndReturnsSeries() throws Exception {
        JsonNode dashboard = dashboard();
        JsonNode variable = dashboard.get("templating").get("list").get(0);
        assertThat(variable.get("name").asText()).isEqualTo("patient");
        List<String> patients = values(run(variable.get("query").asText()));
        assertThat(patients).containsExactlyInAnyOrderElementsOf(PATIENTS);

        List<JsonNode> panels = panels(dashboard.get("panels"));
        assertThat(panels).hasSizeGreaterThanOrEqualTo(8);
        int queries = 0;
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.get("targets")) {
                String grafanaQuery = target.get("query").asText();
                String influxQuery = substitute(grafanaQuery, patients);
                QueryResult result = run(influxQuery);
                List<QueryResult.Series> series = result.getResults().get(0).getSeries();
                assertThat(series)
                        .as(panel.get("title").asText() + ": " + influxQuery)
                        .isNotNull()
                        .isNotEmpty();
                assertThat(series.stream().mapToInt(s -> s.getValues().size()).sum())
                        .as(panel.get("title").asText())
                        .isPositive();
                queries++;
            }
        }
        assertThat(queries).isEqualTo(panels.size());
    }

    /** Grafana's macros as Grafana expands them for InfluxQL: the last 30 days, one-hour intervals, all patients. */
    static String substitute(String query, List<String> patients) {
        long to = now.plus(Duration.ofHours(1)).toEpochMilli();
        long from = now.minus(Duration.ofDays(30)).toEpochMilli();
        String all = patients.stream().map(GrafanaDashboardIT::regexEscape).collect(Collectors.joining("|", "(", ")"));
        String out = query.replace("$timeFilter", "time >= " + from + "ms and time <= " + to + "ms")
                .replace("$__interval_ms", "3600000")
                .replace("$__interval", "1h")
                .replace("$interval", "1h")
                .replace("$patient", all);
        assertThat(out).as("every macro substituted in " + query).doesNotContainPattern("\\$[A-Za-z_{]");
        return out;
    }

    private static String regexEscape(String value) {
        return value.replaceAll("[\\\\^$.|?*+()\\[\\]{}/]", "\\\\$0");
    }

    private static QueryResult run(String influxQl) {
        try (InfluxDB db = stack.influx()) {
            QueryResult result = db.query(new Query(influxQl, influx.database()));
            assertThat(result.getError()).as(influxQl).isNull();
            assertThat(result.getResults().get(0).getError()).as(influxQl).isNull();
            return result;
        }
    }

    private static List<String> values(QueryResult result) {
        List<String> values = new ArrayList<>();
        for (QueryResult.Series s : result.getResults().get(0).getSeries()) {
            for (List<Object> row : s.getValues()) {
                values.add(String.valueOf(row.get(1)));
            }
        }
        return values;
    }

    private static JsonNode dashboard() throws Exception {
        return JSON.readTree(grafana.resolve("dashboards/nara-clinic.json").toFile());
    }

    /** The panels, with those inside collapsed rows. */
    private static List<JsonNode> panels(JsonNode list) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : list) {
            if ("row".equals(p.path("type").asText())) {
                out.addAll(panels(p.path("panels")));
            } else {
                out.add(p);
            }
        }
        return out;
    }
}
