package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.ingest.auth.OperatorCommand;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The operator's shared key no longer opens the web app in a browser (no key in a URL, no key cookie): people who
 * run the service have personal operator accounts, the first one made on the command line, and the access log names
 * them. A real ingest node on the dev stack.
 */
class OperatorAccountIT {

    private static final String PASSWORD = "en lång mening om lingon och kaffe";

    @Test
    void theFirstOperatorIsMadeOnTheCommandLineSignsInAndIsNamedInTheAccessLog(@TempDir Path dir) throws Exception {
        try (Services.Ingest ingest = Services.startIngest(DevStack.ensureUp())) {
            Path pgPassword = Files.writeString(
                    dir.resolve("pg-password"), ingest.postgres().password());
            Path password = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
            Path weak = Files.writeString(dir.resolve("weak"), "olle");

            Run added = add(ingest, pgPassword, "drift-olle", "olle", password);
            assertThat(added.exit()).as(added.err()).isZero();
            assertThat(added.out()).contains("operator olle (drift-olle) added");
            Run again = add(ingest, pgPassword, "drift-olle", "olle", password);
            assertThat(again.exit()).isNotZero();
            assertThat(again.err()).contains("taken");
            Run tooWeak = add(ingest, pgPassword, "drift-per", "per", weak);
            assertThat(tooWeak.exit()).isNotZero();
            assertThat(tooWeak.err()).contains("refused");

            var olle = Alerting.Session.of(ingest.baseUrl(), "olle", PASSWORD);
            JsonObject me = new JsonObject(olle.get("/api/me").body());
            assertThat(me.getBoolean("operator")).isTrue();
            assertThat(me.getString("personId")).isEqualTo("drift-olle");
            assertThat(olle.get("/api/rejected").statusCode())
                    .as("an operator-only page")
                    .isEqualTo(200);
            assertThat(Alerting.rows(ingest, "SELECT actor FROM access_log WHERE action = 'rejected.list'"))
                    .containsExactly(List.of("person:drift-olle"));
            assertThat(Alerting.rows(ingest, "SELECT actor, detail FROM access_log WHERE action = 'operator.added'"))
                    .containsExactly(List.of("command-line", "person:drift-olle"));

            HttpClient http = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            HttpResponse<String> keyInUrl = http.send(
                    HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/?key=" + ingest.apiKey()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(keyInUrl.headers().allValues("set-cookie"))
                    .as("the key is never a cookie")
                    .isEmpty();
            HttpResponse<String> keyCookie = http.send(
                    HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/alerts"))
                            .header("Cookie", "nara_key=" + ingest.apiKey())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(keyCookie.statusCode()).isEqualTo(401);
        }
    }

    private record Run(int exit, String out, String err) {}

    private static Run add(Services.Ingest ingest, Path pgPassword, String id, String username, Path password) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new OperatorCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(
                "add",
                "--pg-url",
                ingest.postgres().jdbcUrl(),
                "--pg-user",
                ingest.postgres().user(),
                "--pg-password-file",
                pgPassword.toString(),
                "--id",
                id,
                "--name",
                "Olle Drift",
                "--username",
                username,
                "--password-file",
                password.toString());
        return new Run(exit, out.toString(), err.toString());
    }
}
