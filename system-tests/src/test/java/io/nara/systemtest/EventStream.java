package io.nara.systemtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** A server-sent-events client that collects the {@code data} of every event of one type. */
final class EventStream implements AutoCloseable {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicBoolean connected = new AtomicBoolean();
    private final Thread reader;
    private volatile InputStream body;

    EventStream(String url, String bearer, String eventType) throws Exception {
        this(url, "Authorization", "Bearer " + bearer, eventType);
    }

    /** A signed-in person's stream: {@code cookie} is the session cookie as {@link Alerting.Session} keeps it. */
    static EventStream withCookie(String url, String cookie, String eventType) throws Exception {
        return new EventStream(url, "Cookie", cookie, eventType);
    }

    private EventStream(String url, String authHeader, String authValue, String eventType) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header(authHeader, authValue)
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        HttpResponse<InputStream> response =
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
        }
        body = response.body();
        reader = new Thread(() -> read(eventType), "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    boolean connected() {
        return connected.get();
    }

    List<String> events() {
        return new ArrayList<>(events);
    }

    private void read(String eventType) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String type = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.equals(": connected")) {
                    connected.set(true);
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                } else if (line.isEmpty()) {
                    if (eventType.equals(type)) {
                        events.add(data.toString());
                    }
                    type = null;
                    data.setLength(0);
                }
            }
        } catch (IOException e) {
            // The stream ends when the test closes it.
        }
    }

    @Override
    public void close() throws Exception {
        body.close();
    }
}
