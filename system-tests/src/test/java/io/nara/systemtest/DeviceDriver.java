package io.nara.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A blood-pressure cuff that measures again and again through the hub's simulation endpoint, as fast as the hub
 * takes readings. A 201 is the hub telling the device its record was received: those sequence numbers are the ones
 * that must reach the cloud.
 */
final class DeviceDriver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The installer's authorised POST to a path of the hub's local API. */
    private final Function<String, HttpRequest.Builder> post;

    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger readings = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    DeviceDriver(Services.Hub hub) {
        this(hub::installerPost);
    }

    /** A cuff on a hub running as its own process: its status page's address and data folder (installer token). */
    DeviceDriver(String statusUrl, Path hubDataDir) {
        this(path -> Services.installerPost(URI.create(statusUrl + path), hubDataDir));
    }

    private DeviceDriver(Function<String, HttpRequest.Builder> post) {
        this.post = post;
        this.thread = new Thread(this::run, "device-driver");
        thread.start();
    }

    /** Readings the hub acknowledged so far. */
    int readings() {
        return readings.get();
    }

    /** Sequence numbers (observations and alerts) of every acknowledged reading. */
    Set<Long> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    private void run() {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (running.get()) {
            try {
                HttpResponse<String> response = http.send(
                        post.apply("/api/simulate/cuff?systolic=126")
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 201) {
                    for (JsonNode entry : JSON.readTree(response.body()).get("stored")) {
                        acknowledged.add(entry.get("seq").asLong());
                    }
                    readings.incrementAndGet();
                }
            } catch (IOException e) {
                // The hub went away mid-request: the device was not told, so it keeps its record.
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
    }
}
