package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A relative signed in who opens a staff page is sent to her own page by the server, whatever the page's script
 * would do: every page of the web app but the relative's, found in the app's folder so a page added later is covered
 * too. The staff open the same pages, and nobody signed in gets the sign-in page.
 */
class StaffPagesIT {

    private static final Path WEB = Path.of("..", "cloud-ingest", "src", "main", "resources", "web");
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);
    private static Services.Ingest ingest;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        ingest = Alerting.startIngest(DevStack.ensureUp(), clock, Alerting.plainHttp(), Alerting.accessOrganisation());
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(ingest);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        Services.closeAll(browser);
    }

    @Test
    void aRelativeIsSentFromEveryStaffPageToHerOwn() throws Exception {
        List<String> staffPages = staffPages();
        assertThat(staffPages)
                .contains(
                        "/",
                        "/index.html",
                        "/worklist.html",
                        "/patient.html",
                        "/access-log.html",
                        "/fleet.html",
                        "/enrolment.html");

        var lena = Alerting.Session.of(ingest.baseUrl(), "lena", "lena-secret-1");
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        HttpClient http = HttpClient.newHttpClient();
        for (String page : staffPages) {
            HttpResponse<String> relative = http.send(page(page, lena.cookie()), HttpResponse.BodyHandlers.ofString());
            assertThat(relative.statusCode()).as(page).isEqualTo(303);
            assertThat(relative.headers().firstValue("Location")).as(page).hasValue("/relative.html");
            assertThat(relative.body()).as(page).isEmpty();
            HttpResponse<String> staff = http.send(page(page, anna.cookie()), HttpResponse.BodyHandlers.ofString());
            assertThat(staff.statusCode()).as(page + " for the staff").isEqualTo(200);
        }
        HttpResponse<String> own =
                http.send(page("/relative.html", lena.cookie()), HttpResponse.BodyHandlers.ofString());
        assertThat(own.statusCode()).isEqualTo(200);
        HttpResponse<String> nobody = http.send(
                HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/worklist.html"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(nobody.statusCode())
                .as("no session: the page, which asks to sign in")
                .isEqualTo(200);
        // ... and the staff's API refuses her, page or no page.
        for (String api : List.of(
                "/api/worklist",
                "/api/access-log",
                "/api/fleet/hubs",
                "/api/patients/" + Alerting.PATIENT + "/overview")) {
            assertThat(lena.get(api).statusCode()).as(api).isEqualTo(403);
        }

        // In the browser: the worklist's address ends on her own page, with none of the staff's.
        browser = Browser.start("relative-staff-pages");
        browser.signIn(ingest.baseUrl(), "lena", "lena-secret-1");
        for (String page : List.of("/worklist.html", "/patient.html?id=" + Alerting.PATIENT, "/access-log.html")) {
            browser.open(ingest.baseUrl() + page);
            browser.await(
                    page + " sends her to her own page",
                    d -> d.getCurrentUrl().endsWith("/relative.html")
                            && d.findElement(By.id("shared")).isDisplayed());
            assertThat(browser.findAll("nav.nara a")).isEmpty();
        }
    }

    private static HttpRequest page(String path, String cookie) {
        return HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                .header("Cookie", cookie)
                .GET()
                .build();
    }

    /** Every page in the web app's folder but the relative's, and the start page's address. */
    private static List<String> staffPages() throws IOException {
        List<String> pages = new ArrayList<>(List.of("/"));
        try (Stream<Path> files = Files.list(WEB)) {
            files.map(f -> "/" + f.getFileName())
                    .filter(p -> p.endsWith(".html") && !p.equals("/relative.html"))
                    .sorted()
                    .forEach(pages::add);
        }
        return pages;
    }
}
