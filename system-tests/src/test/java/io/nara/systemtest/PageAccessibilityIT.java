package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import io.nara.ingest.auth.OperatorCommand;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import picocli.CommandLine;

/**
 * Every page of the web app in headless Chromium, signed in as the person who uses it, with real data on it (an urgent
 * alert open, a handed-over alert, a patient with readings), at desktop size and on a 390×844 phone: axe-core must
 * find no serious or critical violation, and the Swedish page's visible text ({@code document.body.innerText}) must
 * hold none of the English status words and internal ids in {@link #NOT_SWEDISH}. Every finding is printed (page,
 * size, rule, target) before the test fails, so one run lists them all.
 */
class PageAccessibilityIT {

    private static final String HUB = "hub-it-a11y-1";
    private static final String PATIENT = Alerting.PATIENT;
    private static final String OPERATOR = "otto";
    private static final String OPERATOR_PASSWORD = "keeps-the-service-running-1";
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);

    /**
     * What a Swedish page must not show: English status and kind words, internal ids and rule ids, UCUM spellings.
     * Case matters: "Region Norr" is Swedish, "REGION" is the enum.
     */
    private static final Map<String, Pattern> NOT_SWEDISH = notSwedish();

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private static long urgentAlert;
    private static long handedOverAlert;

    /** A page, whom it is opened as, and what shows that it has loaded its data. */
    private record Page(String name, String user, String password, String path, String ready) {}

    private static final List<Page> PAGES = List.of(
            new Page("sign-in", null, null, "/", "#username"),
            new Page("index", "anna", "anna-secret-1", "/", "#unowned tr[data-alert-id]"),
            new Page("index-doctor", "david", "david-secret-1", "/", "#unowned tr[data-alert-id]"),
            new Page("worklist", "anna", "anna-secret-1", "/worklist.html", "#worklist tr"),
            new Page("patient", "anna", "anna-secret-1", "/patient.html?id=" + PATIENT, "figure[data-code]"),
            new Page("patient-doctor", "david", "david-secret-1", "/patient.html?id=" + PATIENT, "figure[data-code]"),
            new Page("enrolment", "anna", "anna-secret-1", "/enrolment.html", "body[data-loaded]"),
            new Page("unattributed", "anna", "anna-secret-1", "/unattributed.html", "body[data-loaded]"),
            new Page(
                    "evaluation",
                    "anna",
                    "anna-secret-1",
                    "/evaluation.html?from=2026-11&to=2026-11",
                    "body[data-loaded]"),
            new Page("account", "anna", "anna-secret-1", "/account.html", "#main:not([hidden])"),
            new Page("access-log", "mas", "maria-secret-1", "/access-log.html", "#entries tr"),
            new Page("rights", "mas", "maria-secret-1", "/rights.html?id=" + PATIENT, "#nav-who:not(:empty)"),
            new Page("fleet", OPERATOR, OPERATOR_PASSWORD, "/fleet.html", "#hubs tr"),
            new Page("releases", OPERATOR, OPERATOR_PASSWORD, "/releases.html", "body[data-loaded]"),
            new Page("relative", "lena", "lena-secret-1", "/relative.html", "#readings tr"),
            // A relative who may raise the alarm, after raising it; checked with the confirmation open too.
            new Page(
                    "relative-alarm",
                    "sara",
                    "sara-secret-1",
                    "/relative.html",
                    "#alarm-state[data-progress='RECEIVED']"),
            new Page("homecare", "hanna", "hanna-secret-1", "/homecare.html", "[data-patient]"),
            new Page(
                    "homecare-patient",
                    "hanna",
                    "hanna-secret-1",
                    "/homecare.html?patient=" + PATIENT,
                    "#one:not([hidden]) #symptoms button"));

    private static final Map<String, Dimension> SIZES =
            new LinkedHashMap<>(Map.of("desktop", new Dimension(1280, 900), "phone", new Dimension(390, 844)));

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        // With home-care staff serving the patient (their phone page, the patient page's delegation form), and a
        // relative who may raise the alarm.
        JsonObject organisation = Alerting.homeCareOrganisation();
        organisation
                .getJsonArray("patients")
                .getJsonObject(0)
                .getJsonArray("relatives")
                .add(Alerting.relative("sara", "Sara Holm", "ALARM", "VIEW"));
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), organisation);
        addOperator();
        HomeEnrolment.enrol(ingest, HUB, HomeEnrolment.household(PATIENT));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");

        // A week of mornings: pressure, weight with decimals, and a creatinine in µmol/L.
        Map<Instant, Double> systolic = new TreeMap<>();
        Map<Instant, Double> weight = new TreeMap<>();
        for (int day = 7; day >= 1; day--) {
            Instant morning = clock.instant().minus(Duration.ofDays(day)).minus(Duration.ofHours(4));
            systolic.put(morning, 120.0 + day);
            weight.put(morning, 81.2 + day / 10.0);
        }
        ClinicData.readings(ingest, HUB, PATIENT, "8480-6", "mm[Hg]", systolic);
        ClinicData.readings(ingest, HUB, PATIENT, "29463-7", "kg", weight);
        ClinicData.readings(
                ingest,
                HUB,
                PATIENT,
                "14682-9",
                "umol/L",
                Map.of(clock.instant().minus(Duration.ofDays(2)), 92.5));

        // One urgent alert left open; one warning Anna acknowledged and handed over to the doctors.
        urgentAlert = Alerting.raise(
                ingest,
                hub,
                HUB,
                Alerting.alert(1, Severity.URGENT, null, null, clock.instant().minusSeconds(60)));
        handedOverAlert = Alerting.raise(
                ingest,
                hub,
                HUB,
                Alerting.alert(2, Severity.WARNING, null, null, clock.instant().minusSeconds(30)));
        Alerting.Session anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        expectOk(anna.post("/api/alerts/" + handedOverAlert + "/acknowledge", new JsonObject(), true));
        expectOk(anna.post(
                "/api/alerts/" + handedOverAlert + "/handover",
                new JsonObject().put("team", "region-oncall").put("note", "Ring patienten i kväll"),
                true));
        // Sara, Greta's daughter, has raised the alarm with a few words.
        HttpResponse<String> alarm = Alerting.Session.of(ingest.baseUrl(), "sara", "sara-secret-1")
                .post("/api/relative/alarm", new JsonObject().put("text", "Mamma låter förvirrad i telefon"), true);
        assertThat(alarm.statusCode()).as(alarm.body()).isEqualTo(201);
    }

    /** The operator who runs the service, made as the first one is: on the command line. */
    private static void addOperator() throws Exception {
        Path dir = Files.createTempDirectory("nara-a11y-operator-");
        Path pgPassword =
                Files.writeString(dir.resolve("pg-password"), ingest.postgres().password());
        Path password = Files.writeString(dir.resolve("password"), OPERATOR_PASSWORD + "\n");
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new OperatorCommand());
        cmd.setErr(new PrintWriter(err, true));
        int exit;
        try {
            exit = cmd.execute(
                    "add",
                    "--pg-url",
                    ingest.postgres().jdbcUrl(),
                    "--pg-user",
                    ingest.postgres().user(),
                    "--pg-password-file",
                    pgPassword.toString(),
                    "--id",
                    "drift-" + OPERATOR,
                    "--name",
                    "Otto Drift",
                    "--username",
                    OPERATOR,
                    "--password-file",
                    password.toString());
        } finally {
            Files.delete(pgPassword);
            Files.delete(password);
            Files.delete(dir);
        }
        assertThat(exit).as(err.toString()).isZero();
    }

    private static void expectOk(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, ingest);
    }

    @Test
    void everyPageHasNoSeriousAxeViolationAndNoEnglishOrInternalIdsInSwedish() throws Exception {
        Set<String> findings = new TreeSet<>();
        // One browser per person, signed in once, through that person's pages.
        Map<String, List<Page>> byUser = new LinkedHashMap<>();
        PAGES.forEach(p -> byUser.computeIfAbsent(String.valueOf(p.user()), u -> new ArrayList<>())
                .add(p));
        for (List<Page> pages : byUser.values()) {
            Page first = pages.get(0);
            try (Browser browser = Browser.start("a11y-" + first.name())) {
                if (first.user() != null) {
                    browser.signIn(ingest.baseUrl(), first.user(), first.password());
                }
                for (Page page : pages) {
                    for (Map.Entry<String, Dimension> size : SIZES.entrySet()) {
                        checkPage(browser, page, size.getKey(), size.getValue(), findings);
                    }
                }
            }
        }
        System.out.println("[a11y] findings (" + findings.size() + "):");
        findings.forEach(f -> System.out.println("[a11y]   " + f));
        assertThat(findings)
                .as("serious/critical axe violations and English words on Swedish pages")
                .isEmpty();
    }

    @Test
    void theLanguageSwitchSetsTheDocumentLanguageAndPagesAreTitledByName() throws Exception {
        try (Browser browser = Browser.start("a11y-titles")) {
            browser.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
            browser.open(ingest.baseUrl() + "/worklist.html");
            browser.await("the worklist", d -> !browser.findAll("#worklist tr").isEmpty());
            assertThat(browser.script("return document.documentElement.lang")).isEqualTo("sv");
            assertThat(browser.driver().getTitle()).isEqualTo("Arbetslista – Nära");
            browser.find("#lang-switch").click();
            browser.await("English", d -> "en".equals(browser.script("return document.documentElement.lang")));
            assertThat(browser.driver().getTitle()).isEqualTo("Worklist – Nära");
            browser.find("#lang-switch").click();
            browser.await("Swedish again", d -> "sv".equals(browser.script("return document.documentElement.lang")));

            browser.open(ingest.baseUrl() + "/patient.html?id=" + PATIENT);
            browser.await("the patient's title", d -> "Greta Holm – Patient – Nära".equals(d.getTitle()));
            browser.open(ingest.baseUrl() + "/");
            browser.await(
                    "the inbox",
                    d -> !browser.findAll("#unowned tr[data-alert-id]").isEmpty());
            // The inbox puts the count of alerts not yet opened in front ("(1) Larm – Nära").
            assertThat(browser.driver().getTitle()).matches("(\\(\\d+\\) )?Larm – Nära");
        }
    }

    @Test
    void theAlertTrailNamesPeopleAndTeamsNotIds() throws Exception {
        Alerting.Session david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        HttpResponse<String> detail = david.get("/api/alerts/" + handedOverAlert);
        assertThat(detail.statusCode()).as(detail.body()).isEqualTo(200);
        List<JsonObject> trail = new JsonObject(detail.body())
                .getJsonArray("trail").stream().map(JsonObject.class::cast).toList();
        JsonObject routed = trail.stream()
                .filter(e -> e.getString("kind").equals("routed"))
                .findFirst()
                .orElseThrow();
        assertThat(routed.getString("actor")).startsWith("system:");
        assertThat(routed.getString("actorName")).isEqualTo("Nära (automatiskt) / Nära (automatic)");
        JsonObject handover = trail.stream()
                .filter(e -> e.getString("kind").equals("handed-over"))
                .findFirst()
                .orElseThrow();
        assertThat(handover.getString("actorName")).isEqualTo("Anna Sjöberg");
        assertThat(handover.getString("fromTeamName")).isEqualTo("Hemsjukvård Norr");
        assertThat(handover.getString("toTeamName")).isEqualTo("Jourläkare");

        try (Browser browser = Browser.start("a11y-trail")) {
            browser.signInToInbox(ingest.baseUrl(), "david", "david-secret-1");
            browser.await(
                    "the handed-over alert",
                    d -> !browser.findAll("tr[data-alert-id='" + handedOverAlert + "']")
                            .isEmpty());
            browser.click("tr[data-alert-id='" + handedOverAlert + "']");
            browser.await("its trail", d -> !browser.findAll("#trail li").isEmpty());
            String text = browser.find("#trail").getText();
            assertThat(text)
                    .contains("Nära (automatiskt)", "Hemsjukvård Norr → Jourläkare", "Anna Sjöberg")
                    .doesNotContain("system:", "home-nursing-north", "region-oncall", "Nära (automatic)");
        }
    }

    /** Opens the page at one size, waits for its data and checks it; a page that does not load is a finding. */
    private static void checkPage(Browser browser, Page page, String size, Dimension dimension, Set<String> findings) {
        browser.driver().manage().window().setSize(dimension);
        browser.open(ingest.baseUrl() + page.path());
        try {
            browser.await(
                    page.name() + " loaded", d -> !browser.findAll(page.ready()).isEmpty());
        } catch (AssertionError e) {
            findings.add(page.name() + " " + size + " not loaded: " + e.getMessage());
            return;
        }
        if ("index".equals(page.name())) {
            openDetail(browser, urgentAlert, findings, page, size);
        } else if ("relative-alarm".equals(page.name())) {
            // The alarm's confirmation step, with its text box, as the relative sees it before sending.
            browser.find("#alarm-button").click();
            browser.await(
                    "the alarm's confirmation",
                    d -> browser.find("#alarm-confirm").isDisplayed());
            check(browser, findings, page.name(), size);
        } else if ("index-doctor".equals(page.name())) {
            // The handed-over alert in the doctors' inbox: its trail names people and teams.
            openDetail(browser, handedOverAlert, findings, page, size);
        } else {
            check(browser, findings, page.name(), size);
        }
        browser.screenshot(page.name() + "-" + size);
    }

    /** Opens an alert's detail in the inbox and checks the page with it open. */
    private static void openDetail(Browser browser, long alertId, Set<String> findings, Page page, String size) {
        browser.await(
                "alert " + alertId + " listed",
                d -> !browser.findAll("tr[data-alert-id='" + alertId + "']").isEmpty());
        browser.click("tr[data-alert-id='" + alertId + "']");
        browser.await(
                "its trail",
                d -> !browser.findAll("#detail:not([hidden]) #trail li").isEmpty());
        check(browser, findings, page.name(), size);
    }

    /**
     * Runs axe and the Swedish scan on the page as it is; adds each finding as "page size kind:id target". Also for
     * the hub's own pages ({@code TabletPageIT}).
     */
    static void check(Browser browser, Set<String> findings, String page, String size) {
        Results results = new AxeBuilder().analyze(browser.driver());
        assertThat(results.isErrored()).as(results.getErrorMessage()).isFalse();
        for (Rule rule : results.getViolations()) {
            for (CheckedNode node : rule.getNodes()) {
                String impact = node.getImpact() != null ? node.getImpact() : rule.getImpact();
                if ("serious".equals(impact) || "critical".equals(impact)) {
                    findings.add(page + " " + size + " axe:" + rule.getId() + " " + node.getTarget());
                    System.out.println("[a11y] " + page + " " + size + " " + impact + " " + rule.getId() + " "
                            + node.getTarget() + ": " + rule.getHelp());
                }
            }
        }
        String text = (String) browser.script("return document.body.innerText");
        for (Map.Entry<String, Pattern> word : NOT_SWEDISH.entrySet()) {
            Matcher m = word.getValue().matcher(text);
            List<String> hits = new ArrayList<>();
            while (m.find()) {
                hits.add(m.group());
            }
            if (!hits.isEmpty()) {
                findings.add(page + " " + size + " sv:" + word.getKey() + " " + new TreeSet<>(hits));
                System.out.println("[a11y] " + page + " " + size + " not Swedish: " + word.getKey() + " " + hits);
            }
        }
    }

    /** The table of {@link #NOT_SWEDISH}: a name for each finding, and its pattern. */
    private static Map<String, Pattern> notSwedish() {
        Map<String, Pattern> table = new LinkedHashMap<>();
        for (String word : List.of(
                "OPEN",
                "ACKNOWLEDGED",
                "RESOLVED",
                "URGENT",
                "WARNING",
                "INFO",
                "MUNICIPALITY",
                "REGION",
                "NURSE",
                "DOCTOR")) {
            table.put(word, Pattern.compile("\\b" + word + "\\b"));
        }
        table.put("system id", Pattern.compile("\\bsystem:\\S+"));
        table.put("demo id", Pattern.compile("\\bdemo-[a-z0-9-]+"));
        table.put(
                "team id",
                Pattern.compile("\\b(home-nursing-(north|south|east)|region-oncall|mobile-team|it-home-team)\\b"));
        table.put("rule id", Pattern.compile("\\b(systolic|diastolic|weight|spo2|pulse)-(low|high|gain)\\b"));
        table.put("UCUM unit", Pattern.compile("umol/L|mm\\[Hg]|\\{INR}|\\bCel\\b"));
        table.put("tier number", Pattern.compile("nivå \\d"));
        return table;
    }
}
