package io.nara.gateway.installer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.gateway.status.InstallerToken;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The installer's command line on the hub ({@code nara-installer status}, {@code nara-installer pairing on},
 * {@code nara-installer coap-key <device id>}): talks to the running hub's local status API, so it needs no rights
 * beyond reaching 127.0.0.1 and reading the installer token, and never touches the outbox or the key file itself.
 */
@Command(
        name = "nara-installer",
        mixinStandardHelpOptions = true,
        description = "Check and set up a running Nära hub: devices, pairing mode, CoAP device keys.",
        subcommands = {
            InstallerCommand.Status.class,
            InstallerCommand.Pairing.class,
            InstallerCommand.CoapKey.class,
            InstallerCommand.Token.class
        })
public final class InstallerCommand implements Callable<Integer> {

    @Option(
            names = "--hub",
            defaultValue = "http://127.0.0.1:8081",
            description = "The hub's status page (default ${DEFAULT-VALUE}).")
    URI hub;

    @Option(
            names = "--token-file",
            defaultValue = "/var/lib/nara-hub/" + InstallerToken.FILE_NAME,
            description = "The hub's installer token, needed to change anything (default ${DEFAULT-VALUE}).")
    Path tokenFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where {@code coap-key} reads the key when it is not typed at a terminal (a test gives its own). */
    InputStream keyInput = System.in;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    JsonNode call(String method, String path) throws Exception {
        return call(method, path, null);
    }

    /** @param json the request's JSON body, or null for none */
    JsonNode call(String method, String path, String json) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder builder = HttpRequest.newBuilder(hub.resolve(path))
                // Generous: a Pi Zero 2 W answers its first requests after a start slowly (cold JIT), and the
                // installer is a person who can wait; an emulated arm64 hub in the tests needs it too.
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            builder.header("Content-Type", "application/json");
        }
        if (!method.equals("GET")) {
            builder.header(
                    "Authorization", "Bearer " + InstallerToken.read(tokenFile).value());
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(path + ": " + response.statusCode() + " "
                    + body.path("problem").asText());
        }
        return body;
    }

    @Command(
            name = "status",
            description =
                    "Cloud connection, clock, and every bound device: connection, last reading, battery, clock, pairing.")
    static final class Status implements Callable<Integer> {
        @CommandLine.ParentCommand
        InstallerCommand parent;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = parent.spec.commandLine().getOut();
            JsonNode status = parent.call("GET", "/api/status");
            JsonNode devices = parent.call("GET", "/api/devices");
            out.printf(
                    "hub %s: cloud %s, clock %s, outbox %d pending, %d quarantined%n",
                    status.path("hubId").asText(),
                    status.path("connectedToCloud").asBoolean() ? "connected" : "NOT CONNECTED",
                    status.path("clock").asText(),
                    status.path("outboxPending").asLong(),
                    status.path("quarantined").asLong());
            out.printf(
                    "transports: %s; pairing mode: %s%n",
                    devices.path("transports"),
                    devices.path("pairingMode").asBoolean()
                            ? "ON until " + devices.path("pairingUntil").asText()
                            : "off");
            out.printf(
                    "%-20s %-22s %-12s %-13s %-21s %-8s %-10s %-14s %s%n",
                    "DEVICE",
                    "MODEL",
                    "TRANSPORT",
                    "CONNECTION",
                    "LAST READING",
                    "BATTERY",
                    "CLOCK",
                    "PAIRING",
                    "ATTENTION");
            int attention = 0;
            for (JsonNode d : status.path("devices")) {
                String attn = text(d, "attention", "");
                attention += attn.isEmpty() ? 0 : 1;
                out.printf(
                        "%-20s %-22s %-12s %-13s %-21s %-8s %-10s %-14s %s%n",
                        d.path("deviceId").asText(),
                        d.path("model").asText(),
                        text(d, "transport", "-"),
                        text(d, "connection", "-"),
                        text(d, "lastReading", "never"),
                        d.hasNonNull("battery") ? d.get("battery").asInt() + " %" : "-",
                        text(d, "deviceClock", "-"),
                        text(d, "pairing", "-"),
                        attn);
            }
            for (JsonNode w : devices.path("waitingForKey")) {
                out.printf(
                        "CoAP device %s tried to connect at %s: the hub has no key for it (waiting for its key; "
                                + "nara-installer coap-key %s, in pairing mode)%n",
                        w.path("identity").asText(),
                        w.path("lastTried").asText(),
                        w.path("identity").asText());
            }
            out.flush();
            return attention == 0 ? 0 : 3;
        }

        private static String text(JsonNode node, String field, String fallback) {
            return node.hasNonNull(field) ? node.get(field).asText() : fallback;
        }
    }

    @Command(name = "pairing", description = "Open (on) or close (off) pairing mode for new Bluetooth devices.")
    static final class Pairing implements Callable<Integer> {
        @CommandLine.ParentCommand
        InstallerCommand parent;

        @Parameters(index = "0", description = "on or off")
        String mode;

        @Option(
                names = "--minutes",
                defaultValue = "5",
                description = "How long pairing mode stays open (1-30, default ${DEFAULT-VALUE}).")
        int minutes;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = parent.spec.commandLine().getOut();
            JsonNode r = switch (mode) {
                case "on" -> parent.call("POST", "/api/pairing?minutes=" + minutes);
                case "off" -> parent.call("POST", "/api/pairing?off");
                default -> throw new CommandLine.ParameterException(parent.spec.commandLine(), "pairing: on or off");
            };
            out.println(
                    r.path("pairingMode").asBoolean()
                            ? "pairing mode on until " + r.path("pairingUntil").asText()
                                    + ": press the pairing button on the device now"
                            : "pairing mode off");
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "coap-key",
            description = "Give the hub the key of a CoAP (DTLS-PSK) device so it can connect; "
                    + "needs pairing mode. The key is read from standard input (typed without echo at a terminal), never "
                    + "from the command line: as text, or hex:<hex digits>.")
    static final class CoapKey implements Callable<Integer> {
        @CommandLine.ParentCommand
        InstallerCommand parent;

        @Parameters(index = "0", description = "The device's id: its PSK identity, as on its label.")
        String identity;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = parent.spec.commandLine().getOut();
            String key = parent.readKey(identity);
            if (key.isEmpty()) {
                throw new CommandLine.ParameterException(
                        parent.spec.commandLine(),
                        "coap-key: no key on standard input (echo the key | nara-installer coap-key " + identity + ")");
            }
            JsonNode r = parent.call(
                    "POST", "/api/coap-keys", JSON.writeValueAsString(Map.of("identity", identity, "key", key)));
            out.println(r.path("result").asText());
            out.flush();
            return 0;
        }
    }

    /**
     * The key: typed at the terminal without echo when there is one, else the first line of standard input (a pipe or
     * a file), without its line end.
     */
    String readKey(String identity) throws IOException {
        Console console = System.console();
        if (console != null && keyInput == System.in) {
            char[] typed = console.readPassword("key of %s (not shown): ", identity);
            return typed == null ? "" : new String(typed);
        }
        byte[] bytes = keyInput.readNBytes(4096);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    @Command(name = "token", description = "Print the installer token that pairing and other changes need.")
    static final class Token implements Callable<Integer> {
        @CommandLine.ParentCommand
        InstallerCommand parent;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = parent.spec.commandLine().getOut();
            out.println(InstallerToken.read(parent.tokenFile).value());
            out.flush();
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new InstallerCommand()).execute(args));
    }
}
