package io.nara.systemtest;

import io.nara.ingest.db.Database;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;

/**
 * Enrols a test's home in the cloud through the product's own REST API, the calls the enrolment page, the care-plan
 * editor and {@code deploy/dev/demo.sh} make: each patient the hub's bootstrap config names is enrolled for monitoring
 * at home with a valid personnummer ({@code POST /api/enrolment/patients}, which makes the household the hub serves),
 * the devices it names are bound ({@code POST /api/enrolment/hubs/{hub}/devices}), and its plans replace the template
 * a doctor of the patient's care team edits ({@code PUT /api/patients/{id}/careplan}). From then on the cloud
 * authorises that hub for those patients and devices, as it authorises every hub.
 *
 * <p>Patients the cloud does not know yet (tests without an organisation) are imported first with a care team of their
 * own; a doctor of this helper's is added to a team that cares for each patient, since only a doctor may edit a plan.
 */
final class HomeEnrolment {

    /** The organisation and team of patients a test did not import itself. */
    static final String ORGANISATION = "it-home-org";

    static final String TEAM = "it-home-team";
    static final String DOCTOR = "it-home-doctor";
    static final String DOCTOR_PASSWORD = "it-home-doctor-secret-1";
    private static final MessageCodec CODEC = new MessageCodec();

    private HomeEnrolment() {}

    /** The cloud as the helper reaches it: the web address, the operator key, and PostgreSQL for look-ups. */
    record Cloud(String baseUrl, String apiKey, Database.Settings postgres) {
        static Cloud of(Services.Ingest ingest) {
            return new Cloud(ingest.baseUrl(), ingest.apiKey(), ingest.postgres());
        }
    }

    static void enrol(Services.Ingest ingest, String hubId, HubConfig config) throws Exception {
        // As a nurse would find it: a node up and connected to the broker, which publishes the home's config.
        Services.awaitHealthy(ingest);
        enrol(Cloud.of(ingest), hubId, config);
    }

    /**
     * Enrols the home of {@code hubId} as {@code config} describes it (its patients, plans and device bindings). A hub
     * running with {@code config} as its bootstrap file applies the cloud's config (the same plans and bindings, a
     * newer version) when it next hears from the cloud: {@link #awaitApplied}.
     */
    static void enrol(Cloud ingest, String hubId, HubConfig config) throws Exception {
        Set<String> patients = new LinkedHashSet<>();
        config.carePlans().forEach(p -> patients.add(p.patientId()));
        for (DeviceBinding b : config.devices()) {
            if (b.patientId() != null) {
                patients.add(b.patientId());
            }
            b.users().forEach(u -> patients.add(u.patientId()));
        }
        prepareCareTeams(ingest, patients);
        Map<String, Integer> planVersions = new HashMap<>();
        for (String patient : patients) {
            planVersions.put(patient, enrolPatient(ingest, hubId, patient));
        }
        for (DeviceBinding b : config.devices()) {
            JsonObject body = new JsonObject().put("deviceId", b.deviceId()).put("model", b.model());
            if (b.patientId() != null) {
                body.put("patientId", b.patientId());
            } else if (b.users().size() == 1) {
                body.put("patientId", b.users().get(0).patientId());
            }
            expect(
                    operator(ingest, "POST", "/api/enrolment/hubs/" + hubId + "/devices", body),
                    200,
                    "binding " + b.deviceId() + " to hub " + hubId);
        }
        Alerting.Session doctor = Alerting.Session.of(ingest.baseUrl(), DOCTOR, DOCTOR_PASSWORD);
        for (String patient : patients) {
            CarePlan plan = config.carePlans().stream()
                    .filter(p -> p.patientId().equals(patient))
                    .findFirst()
                    // A patient with no plan in the home's config has none on the hub: the template gives way to an
                    // empty plan, so no rule the test did not ask for runs.
                    .orElse(new CarePlan(patient, "1", List.of()));
            applyPlan(doctor, patient, planVersions.get(patient), plan);
        }
        // The doctor signs out, as a person leaving the page does: the helper leaves no session behind.
        expect(doctor.post("/api/signout", new JsonObject(), true), 200, "signing the doctor out");
    }

    /**
     * A home of these patients with no devices and no plan rules: for tests whose hub (a test MQTT client) raises
     * alerts for them and whose plans, if any, the test saves itself.
     */
    static HubConfig household(String... patients) {
        return new HubConfig(
                1,
                1,
                Arrays.stream(patients)
                        .map(p -> new CarePlan(p, "1", List.of()))
                        .toList(),
                List.of());
    }

    /** Waits until the hub reports the cloud's config applied, as the enrolment page shows it ("APPLIED"). */
    static void awaitApplied(Cloud ingest, String hubId) {
        Awaitility.await()
                .atMost(Services.DEADLINE)
                .until(() -> "APPLIED"
                        .equals(hubPage(ingest, hubId).getJsonObject("config").getString("state")));
    }

    /** ... of an ingest in this JVM. */
    static void awaitApplied(Services.Ingest ingest, String hubId) {
        awaitApplied(Cloud.of(ingest), hubId);
    }

    /**
     * The ingest, with the home of {@code hubId} enrolled in it (closed when the enrolment fails): for a
     * try-with-resources that starts the ingest and the hub together.
     */
    static Services.Ingest enrolled(Services.Ingest ingest, String hubId, HubConfig config) throws Exception {
        try {
            enrol(ingest, hubId, config);
            return ingest;
        } catch (Exception | Error e) {
            Services.closeAll(ingest);
            throw e;
        }
    }

    /** {@link #enrol} and {@link #awaitApplied}: for a hub that is already running. */
    static void enrolRunning(Services.Ingest ingest, String hubId, HubConfig config) throws Exception {
        enrol(ingest, hubId, config);
        awaitApplied(ingest, hubId);
    }

    /** The doctor this helper put in the home's care teams, signed in: for a test that edits a plan as a doctor. */
    static Alerting.Session doctor(Services.Ingest ingest) throws Exception {
        return Alerting.Session.of(ingest.baseUrl(), DOCTOR, DOCTOR_PASSWORD);
    }

    /** The enrolment page's view of the hub ({@code GET /api/enrolment/hubs/{hub}}). */
    static JsonObject hubPage(Cloud ingest, String hubId) throws Exception {
        HttpResponse<String> r = operator(ingest, "GET", "/api/enrolment/hubs/" + hubId, null);
        expect(r, 200, "reading the enrolment page of hub " + hubId);
        return new JsonObject(r.body());
    }

    /**
     * A valid personnummer (Luhn check digit) for a patient id, the same for the same id: born 1930–1959, so it is
     * never in the future of a test's clock.
     */
    static String personnummer(String patientId) {
        int h = patientId.hashCode() & 0x7fffffff;
        LocalDate born = LocalDate.of(1930, 1, 1).plusDays(h % (30 * 365));
        String first9 = String.format(
                "%02d%02d%02d%03d",
                born.getYear() % 100, born.getMonthValue(), born.getDayOfMonth(), (h / (30 * 365)) % 1000);
        return born.getYear() + first9.substring(2, 6) + "-" + first9.substring(6) + luhn(first9);
    }

    private static int luhn(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = (digits.charAt(i) - '0') * (i % 2 == 0 ? 2 : 1);
            sum += d > 9 ? d - 9 : d;
        }
        return (10 - sum % 10) % 10;
    }

    /**
     * Imports what the enrolment needs and the test's organisation may lack: the patients the cloud does not know
     * (cared for by this helper's team), and this helper's doctor in a team caring for each patient.
     */
    private static void prepareCareTeams(Cloud ingest, Set<String> patients) throws Exception {
        JsonArray unknown = new JsonArray();
        Set<String> doctorTeams = new LinkedHashSet<>();
        String doctorOrganisation = null;
        for (String patient : patients) {
            List<List<Object>> teams = rows(
                    ingest,
                    "SELECT r.team_id, t.organisation_id FROM care_relation r"
                            + " JOIN care_team t ON t.id = r.team_id WHERE r.patient_id = '" + patient + "' ORDER BY "
                            + "r.responds_first DESC, r.team_id");
            if (teams.isEmpty()) {
                unknown.add(new JsonObject()
                        .put("id", patient)
                        .put("name", "Patient " + patient)
                        .put(
                                "careRelations",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("team", TEAM)
                                                .put("from", "2020-01-01T00:00:00Z")
                                                .put("respondsFirst", true))));
                doctorTeams.add(TEAM);
                doctorOrganisation = doctorOrganisation == null ? ORGANISATION : doctorOrganisation;
            } else {
                doctorTeams.add((String) teams.get(0).get(0));
                doctorOrganisation =
                        doctorOrganisation == null ? (String) teams.get(0).get(1) : doctorOrganisation;
            }
        }
        JsonObject doc = new JsonObject();
        if (!unknown.isEmpty()) {
            doc.put(
                    "organisations",
                    new JsonArray()
                            .add(new JsonObject()
                                    .put("id", ORGANISATION)
                                    .put("name", "Testkommun")
                                    .put("kind", "MUNICIPALITY")));
            doc.put(
                    "teams",
                    new JsonArray()
                            .add(new JsonObject()
                                    .put("id", TEAM)
                                    .put("organisationId", ORGANISATION)
                                    .put("name", "Hemsjukvård Test")
                                    .put("slots", new JsonArray())));
            doc.put("patients", unknown);
        }
        JsonArray memberships = new JsonArray();
        doctorTeams.forEach(t -> memberships.add(new JsonObject().put("team", t).put("role", "DOCTOR")));
        for (List<Object> held : rows(ingest, "SELECT team_id FROM team_member WHERE person_id = '" + DOCTOR + "'")) {
            if (!doctorTeams.contains((String) held.get(0))) {
                memberships.add(new JsonObject().put("team", held.get(0)).put("role", "DOCTOR"));
            }
        }
        doc.put(
                "people",
                new JsonArray()
                        .add(new JsonObject()
                                .put("id", DOCTOR)
                                .put("organisationId", doctorOrganisation)
                                .put("name", "Doktor Test")
                                .put("username", DOCTOR)
                                .put("password", DOCTOR_PASSWORD)
                                .put("teams", memberships)));
        expect(operator(ingest, "POST", "/api/admin/organisation", doc), 200, "importing the home's care teams");
    }

    /** Enrols the patient in the household of the hub; the version of the first plan (the template). */
    private static int enrolPatient(Cloud ingest, String hubId, String patient) throws Exception {
        List<List<Object>> row = rows(ingest, "SELECT name FROM patient WHERE id = '" + patient + "'");
        JsonArray teams = new JsonArray();
        rows(
                        ingest,
                        "SELECT team_id FROM care_relation WHERE patient_id = '" + patient
                                + "' ORDER BY responds_first DESC, team_id")
                .forEach(t -> teams.add(t.get(0)));
        JsonObject body = new JsonObject()
                .put("patientId", patient)
                .put("name", row.get(0).get(0))
                .put("nationalId", personnummer(patient))
                .put("teams", teams)
                .put("hubId", hubId);
        HttpResponse<String> r = operator(ingest, "POST", "/api/enrolment/patients", body);
        expect(r, 201, "enrolling " + patient + " at hub " + hubId);
        return new JsonObject(r.body()).getInteger("carePlanVersion");
    }

    private static void applyPlan(Alerting.Session doctor, String patient, int basedOn, CarePlan plan)
            throws Exception {
        JsonObject document = new JsonObject(new String(CODEC.encode(plan), StandardCharsets.UTF_8));
        document.remove("version");
        expect(
                doctor.put(
                        "/api/patients/" + patient + "/careplan",
                        new JsonObject()
                                .put("basedOnVersion", basedOn)
                                .put("plan", document)
                                .put("reason", "the home's plan")),
                200,
                "saving the care plan of " + patient);
    }

    /** A call with the operator key, as a program of the organisation's (the demo script) makes it. */
    private static HttpResponse<String> operator(Cloud ingest, String method, String path, JsonObject body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                .header("Authorization", "Bearer " + ingest.apiKey());
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("content-type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<List<Object>> rows(Cloud cloud, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(
                        cloud.postgres().jdbcUrl(),
                        cloud.postgres().user(),
                        cloud.postgres().password());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            while (r.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    row.add(r.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static void expect(HttpResponse<String> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(what + ": " + r.statusCode() + " " + r.body());
        }
    }
}
