package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A person changes her password: {@code POST /api/me/password} through the API and through {@code /account.html} in
 * headless Chromium. The current password is checked, a weak new one is refused naming the rule (Swedish first), a
 * change ends her other sessions, and afterwards only the new password signs in. Against the real PostgreSQL.
 */
class PasswordChangeIT {

    private static final MutableClock clock = new MutableClock(LocalDateTime.of(2026, 11, 24, 10, 0)
            .atZone(ZoneId.of("Europe/Stockholm"))
            .toInstant());
    private static Services.Ingest ingest;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.organisation());
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
    void aNurseChangesHerPasswordHerOtherSessionsEndAndOnlyTheNewOneSignsIn() throws Exception {
        var phone = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        var desk = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        var agnes = Alerting.Session.of(ingest.baseUrl(), "agnes", "agnes-secret-1");

        HttpResponse<String> wrong = change(desk, "not-my-password", "en lång mening om blåbär", true);
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(problem(wrong)).isEqualTo("det nuvarande lösenordet stämmer inte / the current password is wrong");
        assertThat(new JsonObject(wrong.body()).getString("field")).isEqualTo("current");

        HttpResponse<String> tooShort = change(desk, "anna-secret-1", "blåbär", true);
        assertThat(tooShort.statusCode()).isEqualTo(400);
        assertThat(problem(tooShort))
                .startsWith("Lösenordet måste ha minst 12 tecken (det har 6)")
                .contains("The password must have at least 12 characters");
        HttpResponse<String> userName = change(desk, "anna-secret-1", "Anna-secret-2026", true);
        assertThat(userName.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(userName.body())
                        .getJsonArray("problems")
                        .getJsonObject(0)
                        .getString("sv"))
                .isEqualTo("Lösenordet får inte innehålla ditt användarnamn");
        HttpResponse<String> missing =
                desk.post("/api/me/password", new JsonObject().put("current", "anna-secret-1"), true);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(problem(missing)).contains("Ange ett nytt lösenord");

        // Like every write, it needs the session's CSRF token; the operator key has no password to change.
        assertThat(change(desk, "anna-secret-1", "en lång mening om blåbär", false)
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> operator = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/me/password"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
                                        .put("current", "x")
                                        .put("new", "en lång mening om blåbär")
                                        .encode()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(operator.statusCode()).isEqualTo(403);
        assertThat(problem(operator)).contains("the operator key has no password to change");
        // Nothing refused so far changed anything.
        assertThat(phone.get("/api/inbox").statusCode()).isEqualTo(200);

        HttpResponse<String> ok = change(desk, "anna-secret-1", "en lång mening om blåbär", true);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(new JsonObject(ok.body()).getInteger("otherSessionsEnded")).isEqualTo(1);

        // The phone's session ended; the one she changed it from goes on; another nurse's is untouched.
        assertThat(phone.get("/api/inbox").statusCode()).isEqualTo(401);
        assertThat(desk.get("/api/inbox").statusCode()).isEqualTo(200);
        assertThat(agnes.get("/api/inbox").statusCode()).isEqualTo(200);
        assertThat(Alerting.Session.signIn(ingest.baseUrl(), "anna", "anna-secret-1")
                        .statusCode())
                .isEqualTo(401);
        assertThat(Alerting.Session.signIn(ingest.baseUrl(), "anna", "en lång mening om blåbär")
                        .statusCode())
                .isEqualTo(200);
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT action, detail FROM access_log WHERE actor = 'person:anna' AND "
                                + "action LIKE 'password.%' ORDER BY id"))
                .containsExactly(
                        Arrays.asList("password.change.failed", null),
                        List.of("password.changed", "other sessions ended: 1"));
    }

    @Test
    void wrongCurrentPasswordsSlowFurtherGuesses() throws Exception {
        var mas = Alerting.Session.of(ingest.baseUrl(), "mas", "maria-secret-1");
        for (int i = 0; i < 5; i++) {
            assertThat(change(mas, "guess number " + i, "en lång mening om lingon", true)
                            .statusCode())
                    .isEqualTo(400);
        }
        HttpResponse<String> waits = change(mas, "maria-secret-1", "en lång mening om lingon", true);
        assertThat(waits.statusCode()).isEqualTo(429);
        assertThat(problem(waits)).contains("för många försök");
        assertThat(Alerting.Session.signIn(ingest.baseUrl(), "mas", "maria-secret-1")
                        .statusCode())
                .as("sign-in shares the count")
                .isEqualTo(429);
        clock.advance(Duration.ofMinutes(16));
        assertThat(Alerting.Session.signIn(ingest.baseUrl(), "mas", "maria-secret-1")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void theAccountPageChangesThePasswordAndSaysWhatIsWrongSwedishFirst() throws Exception {
        browser = Browser.start("account-bertil");
        browser.signInToInbox(ingest.baseUrl(), "bertil", "bertil-secret-1");

        browser.open(ingest.baseUrl() + "/account.html");
        browser.await("the form", d -> browser.find("#password-form").isDisplayed());
        assertThat(browser.find("nav.nara a[aria-current='page']").getText()).isEqualTo("Mitt konto");

        fill("bertil-secret-1", "kort", "kort");
        browser.await(
                "the length rule",
                d -> browser.find("#problems").getText().equals("Lösenordet måste ha minst 12 tecken (det har 4)"));
        fill("bertil-secret-1", "en lång mening om hjortron", "en lång mening om hjortronX");
        browser.await(
                "the repeat differs",
                d -> browser.find("#problems").getText().equals("De två nya lösenorden är olika"));
        fill("fel lösenord här", "en lång mening om hjortron", "en lång mening om hjortron");
        browser.await(
                "the wrong current password",
                d -> browser.find("#problems").getText().equals("det nuvarande lösenordet stämmer inte"));
        browser.screenshot("1-refused");

        fill("bertil-secret-1", "en lång mening om hjortron", "en lång mening om hjortron");
        browser.await(
                "the change confirmed",
                d -> browser.find("#done").isDisplayed()
                        && browser.find("#done").getText().startsWith("Lösenordet är bytt."));
        assertThat(browser.find("#problems").getText()).isEmpty();
        browser.screenshot("2-changed");
        browser.find("#lang-switch").click();
        browser.await("English", d -> browser.find("#done").getText().startsWith("Your password is changed."));
        assertThat(Alerting.Session.signIn(ingest.baseUrl(), "bertil", "en lång mening om hjortron")
                        .statusCode())
                .isEqualTo(200);
    }

    private void fill(String current, String next, String repeat) {
        for (String[] field : new String[][] {{"#current", current}, {"#new", next}, {"#repeat", repeat}}) {
            browser.find(field[0]).clear();
            browser.find(field[0]).sendKeys(field[1]);
        }
        browser.find("#change").click();
    }

    private static HttpResponse<String> change(Alerting.Session who, String current, String next, boolean csrf)
            throws Exception {
        return who.post(
                "/api/me/password", new JsonObject().put("current", current).put("new", next), csrf);
    }

    private static String problem(HttpResponse<String> r) {
        return new JsonObject(r.body()).getString("problem");
    }
}
