package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.ingest.enrol.HubEnrolment;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fleet page in Chromium: an operator of the municipality registers a hub, sees its one-time code once, and
 * revokes it; the page speaks Swedish first and English on the switch. A nurse gets no controls to change the fleet.
 */
class FleetPageIT {

    private static final String HUB = "hub-it-fleet-page-1";
    private static Services.Ingest ingest;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Services.startEnrollingIngest(
                stack, Clock.systemUTC(), Alerting.plainHttp(), HubEnrolment.Settings.defaults());
        JsonObject organisation = Alerting.organisation();
        organisation.getJsonArray("people").add(new JsonObject("""
                {"id": "olle", "organisationId": "kommun", "name": "Olle Drift", "username": "olle",
                 "password": "olle-secret-1", "teams": [{"team": "home-nursing-north", "role": "OPERATOR"}]}"""));
        Alerting.importOrganisation(ingest, organisation);
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(ingest);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void anOperatorRegistersAHubSeesItsCodeOnceAndRevokesIt() throws Exception {
        browser = Browser.start("fleet-olle");
        browser.signIn(ingest.baseUrl(), "olle", "olle-secret-1");
        browser.open(ingest.baseUrl() + "/fleet");
        browser.await("the register form", d -> browser.find("#create-section").isDisplayed());
        assertThat(browser.find("nav.nara a[aria-current='page']").getText()).isEqualTo("Hubbar");

        browser.find("#new-hub").sendKeys(HUB);
        browser.find("#create-button").click();
        browser.await("the one-time code", d -> browser.find("#code-box").isDisplayed());
        String code = browser.find("#code").getText();
        assertThat(code).matches("[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}");
        assertThat(browser.find("#code-hub").getText()).isEqualTo(HUB);
        String row = "tr[data-hub-id='" + HUB + "']";
        browser.await("the new hub's row", d -> !browser.findAll(row).isEmpty());
        assertThat(browser.find(row + " td.state").getText()).isEqualTo("i lager");
        browser.screenshot("1-registered");

        // The code is shown once: a reload shows the row, not the code.
        browser.open(ingest.baseUrl() + "/fleet.html");
        browser.await("the row after a reload", d -> !browser.findAll(row).isEmpty());
        assertThat(browser.find("#code-box").isDisplayed()).isFalse();
        assertThat(browser.driver().getPageSource()).doesNotContain(code);

        browser.find("#lang-switch").click();
        browser.await("English", d -> browser.find(row + " td.state").getText().equals("in stock"));
        browser.find(row + " button[data-action='revoke']").click();
        browser.driver().switchTo().alert().accept();
        browser.await(
                "the hub revoked",
                d -> browser.find(row + " td.state").getText().equals("revoked"));
        assertThat(browser.findAll(row + " button"))
                .as("nothing more to do with a revoked hub")
                .isEmpty();
        browser.screenshot("2-revoked");

        HttpResponse<String> hubs = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/fleet/hubs?lifecycle=REVOKED"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(hubs.body())
                .contains("\"hubId\":\"" + HUB + "\"")
                .contains("\"lifecycleChangedBy\":\"person:olle\"");
    }

    @Test
    void aNurseSeesTheFleetPageWithoutControlsToChangeIt() throws Exception {
        browser = Browser.start("fleet-anna");
        browser.signIn(ingest.baseUrl(), "anna", "anna-secret-1");
        browser.open(ingest.baseUrl() + "/fleet.html");
        browser.await(
                "the list loaded",
                d -> browser.find("#empty").isDisplayed()
                        || !browser.findAll("tr[data-hub-id]").isEmpty());
        assertThat(browser.find("#create-section").isDisplayed()).isFalse();
        assertThat(browser.findAll("button[data-action]")).isEmpty();
    }
}
