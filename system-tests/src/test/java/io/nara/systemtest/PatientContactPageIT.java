package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The patient's contact details and named care contact, entered where a nurse enters them, in headless Chromium
 * against a real ingest node and PostgreSQL: at enrolment (a phone number that is not one is refused by name and
 * nothing is enrolled; corrected, the patient is enrolled with them) and on the patient page (shown with tap-to-call
 * links; a bad number refused by name and nothing changed; a new care contact and the SIP saved). Every read and change
 * is in the access log; a nurse of another municipality and the operator change nothing. A relative with the patient's
 * consent to view sees whom to call and the SIP, never the patient's own phone or address.
 */
class PatientContactPageIT {

    private static final String HUB = "hub-it-contact-1";
    private static final String KARIN_NUMBER = "191212121212";
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);

    private static Services.Ingest ingest;
    private Browser anna;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.accessOrganisation());
        Services.awaitHealthy(ingest);
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(ingest);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        Services.closeAll(anna);
    }

    @Test
    void theNurseEntersTheContactDetailsAtEnrolmentAndChangesThemOnThePatientPage() throws Exception {
        anna = Browser.start("patient-contact");
        anna.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
        anna.open(ingest.baseUrl() + "/enrolment.html");
        anna.await(
                "the enrolment form with her teams",
                d -> !anna.findAll("input.team").isEmpty());
        anna.find("#name").sendKeys("Karin Ek");
        anna.find("#national-id").sendKeys("19121212-1212");
        anna.find("#hub-id").sendKeys(HUB);
        anna.find("#contact-phone").sendKeys("ring Karin");
        anna.find("#contact-address").sendKeys("Storgatan 1, 123 45 Norrby");
        anna.find("#contact-care-name").sendKeys("Sara Lind");
        anna.find("#contact-care-role").sendKeys("Distriktssköterska");
        anna.find("#contact-care-phone").sendKeys("+46 8 123 456 78");
        anna.find("#enrol").click();
        anna.await(
                "the bad phone number refused by name",
                d -> anna.find("#problem")
                        .getText()
                        .contains("patientens telefon: 'ring Karin' är inget telefonnummer"));
        assertThat(Alerting.rows(ingest, "SELECT count(*) FROM patient WHERE national_id = '" + KARIN_NUMBER + "'"))
                .as("nothing enrolled")
                .containsExactly(List.of(0L));

        anna.find("#contact-phone").clear();
        anna.find("#contact-phone").sendKeys("070-123 45 67");
        anna.find("#enrol").click();
        anna.await("Karin enrolled", d -> anna.find("#done").getText().contains("Karin Ek"));
        List<Object> stored = Alerting.rows(
                        ingest,
                        "SELECT id, phone, address, care_contact_name, care_contact_role, care_contact_phone, "
                                + "contact_changed_by FROM patient WHERE national_id = '" + KARIN_NUMBER + "'")
                .get(0);
        String karin = (String) stored.get(0);
        assertThat(stored.subList(1, stored.size()))
                .containsExactly(
                        "070-123 45 67",
                        "Storgatan 1, 123 45 Norrby",
                        "Sara Lind",
                        "Distriktssköterska",
                        "+46 8 123 456 78",
                        "person:anna");

        long before = Alerting.lastAccessLogId(ingest);
        anna.open(ingest.baseUrl() + "/patient.html?id=" + karin);
        anna.await(
                "the contact details on Karin's page",
                d -> anna.find("#contact").isDisplayed());
        assertThat(anna.find("#contact-phone a").getAttribute("href")).isEqualTo("tel:0701234567");
        assertThat(anna.find("#contact-address").getText()).isEqualTo("Storgatan 1, 123 45 Norrby");
        assertThat(anna.find("#contact-care").getText())
                .contains("Sara Lind", "(Distriktssköterska)", "+46 8 123 456 78");
        assertThat(anna.find("#contact-care a").getAttribute("href")).isEqualTo("tel:+46812345678");
        assertThat(anna.find("#contact-changed").getText()).contains("Anna Sjöberg");

        // A care contact's number that is not one: refused by name, nothing changed.
        anna.find("#contact-edit summary").click();
        WebElement carePhone = anna.find("#contact-care-phone-input");
        assertThat(carePhone.getAttribute("value")).isEqualTo("+46 8 123 456 78");
        carePhone.clear();
        carePhone.sendKeys("Sara");
        anna.find("#contact-save").click();
        anna.await(
                "the bad number refused by name",
                d -> anna.find("#contact-problem").isDisplayed()
                        && anna.find("#contact-problem")
                                .getText()
                                .contains("fast vårdkontakts telefon: 'Sara' är inget telefonnummer"));
        assertThat(Alerting.rows(ingest, "SELECT care_contact_phone FROM patient WHERE id = '" + karin + "'"))
                .containsExactly(List.of("+46 8 123 456 78"));

        // A new care contact and the coordinated individual plan.
        carePhone.clear();
        carePhone.sendKeys("0612-345 67");
        anna.find("#contact-care-name-input").clear();
        anna.find("#contact-care-name-input").sendKeys("Per Holm");
        anna.find("#contact-sip-url-input").sendKeys("https://sip.example.se/plan/17");
        anna.script("document.getElementById('contact-sip-date-input').value = '2026-11-02';");
        anna.find("#contact-sip-resp-input")
                .sendKeys("Hemtjänsten väger måndag och torsdag; distriktssköterskan ringer");
        anna.find("#contact-save").click();
        anna.await("saved", d -> anna.find("#contact-saved").getText().equals("Sparat."));
        assertThat(anna.find("#contact-problem").isDisplayed()).isFalse();
        assertThat(anna.find("#contact-care").getText()).contains("Per Holm", "0612-345 67");
        assertThat(anna.find("#contact-care a").getAttribute("href")).isEqualTo("tel:061234567");
        assertThat(anna.find("#contact-sip-link").getAttribute("href")).isEqualTo("https://sip.example.se/plan/17");
        assertThat(anna.find("#contact-sip").getText()).contains("2026-11-02", "Hemtjänsten väger");
        anna.screenshot("saved");
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT care_contact_name, care_contact_phone, sip_url, sip_date::text, phone FROM patient "
                                + "WHERE id = '" + karin + "'"))
                .containsExactly(List.of(
                        "Per Holm", "0612-345 67", "https://sip.example.se/plan/17", "2026-11-02", "070-123 45 67"));

        // The read and the change are each in the access log, naming Karin and Anna.
        List<List<Object>> log = Alerting.accessLogAfter(ingest, before);
        assertThat(log.stream().map(r -> r.get(2)).toList()).contains("patient.contact", "patient.contact.change");
        assertThat(log.stream()
                        .filter(r -> String.valueOf(r.get(2)).startsWith("patient.contact"))
                        .map(r -> List.of(r.get(1), r.get(3)))
                        .distinct()
                        .toList())
                .containsExactly(List.of("person:anna", List.of(karin)));
    }

    @Test
    void nobodyWithoutACareRelationReadsOrChangesThem() throws Exception {
        Alerting.Session eva = Alerting.Session.of(ingest.baseUrl(), "eva", "eva-secret-1");
        String greta = Alerting.PATIENT;
        List<Object> before = Alerting.rows(
                        ingest, "SELECT phone, contact_changed_by FROM patient WHERE id = '" + greta + "'")
                .get(0);
        assertThat(eva.get("/api/patients/" + greta + "/contact").statusCode()).isEqualTo(404);
        HttpResponse<String> change =
                eva.post("/api/patients/" + greta + "/contact", new JsonObject().put("phone", "070-000 00 00"), true);
        assertThat(change.statusCode()).isEqualTo(404);
        HttpResponse<String> operator = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/patients/" + greta + "/contact"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
                                        .put("phone", "070-000 00 00")
                                        .encode()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(operator.statusCode()).isEqualTo(403);
        assertThat(Alerting.rows(ingest, "SELECT phone, contact_changed_by FROM patient WHERE id = '" + greta + "'"))
                .containsExactly(before);
    }

    @Test
    void aRelativeWithConsentSeesWhomToCallAndTheSip() throws Exception {
        Alerting.Session nurse = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        String greta = Alerting.PATIENT;
        // Only the care contact and the SIP: the "nobody changes" test above sees Greta's own phone unset.
        HttpResponse<String> saved = nurse.post(
                "/api/patients/" + greta + "/contact",
                new JsonObject()
                        .put("careContactName", "Sara Lind")
                        .put("careContactRole", "Distriktssköterska")
                        .put("careContactPhone", "0612-345 67")
                        .put("sipUrl", "https://sip.example.se/plan/17")
                        .put("sipDate", "2026-11-02"),
                true);
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);

        Browser lena = Browser.start("relative-care-contact");
        try {
            lena.signIn(ingest.baseUrl(), "lena", "lena-secret-1");
            lena.await(
                    "the care contact on Lena's page",
                    d -> d.getCurrentUrl().endsWith("/relative.html")
                            && d.findElement(By.id("care-contact")).isDisplayed());
            assertThat(lena.find("#care-contact-who").getText())
                    .contains("Sara Lind", "(Distriktssköterska)", "0612-345 67");
            assertThat(lena.find("#care-contact-who a").getAttribute("href")).isEqualTo("tel:061234567");
            assertThat(lena.find("#care-contact-sip a").getAttribute("href"))
                    .isEqualTo("https://sip.example.se/plan/17");
            assertThat(lena.find("#care-contact-sip").getText()).contains("2026-11-02");
            lena.screenshot("care-contact");
        } finally {
            lena.close();
        }
    }
}
