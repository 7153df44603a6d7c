package io.nara.load.fleet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enrols the simulated homes in the cloud through the product's own REST API, as the MAS and a nurse would, so the
 * ingest authorises every message of the fleet exactly as it does a real hub's: the patients come in with the
 * organisation import ({@code POST /api/admin/organisation}, a thousand per request), each is enrolled on its hub
 * with the heart-failure plan ({@code POST /api/enrolment/patients}) and its scale, cuff and oximeter are bound to
 * them ({@code POST /api/enrolment/hubs/{hub}/devices}). Requests run {@code parallel} at a time.
 *
 * <p>The hubs enrolled are listed in {@code enrolledFile} (one hub id a line, next to the dev stack's database) and
 * skipped the next time, so a rerun of 10 000 homes costs nothing; a hub found enrolled already (409) counts as done.
 */
final class FleetEnrolment {

    static final String TEAM = "fleet-hemsjukvard";
    private static final int PATIENTS_PER_IMPORT = 1_000;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI cloud;
    private final String apiKey;
    private final int parallel;

    FleetEnrolment(URI cloud, String apiKey, int parallel) {
        this.cloud = cloud;
        this.apiKey = apiKey;
        this.parallel = parallel;
    }

    /** Enrols the homes not yet listed in {@code enrolledFile}; returns how many were enrolled now. */
    int enrol(List<Home> homes, Path enrolledFile) throws IOException, InterruptedException {
        Set<String> done = new HashSet<>(Files.exists(enrolledFile) ? Files.readAllLines(enrolledFile) : List.of());
        List<Home> todo = homes.stream().filter(h -> !done.contains(h.hubId())).toList();
        if (todo.isEmpty()) {
            return 0;
        }
        for (int from = 0; from < todo.size(); from += PATIENTS_PER_IMPORT) {
            importPatients(todo.subList(from, Math.min(todo.size(), from + PATIENTS_PER_IMPORT)), from == 0);
        }
        Semaphore slots = new Semaphore(parallel);
        ConcurrentLinkedQueue<String> enrolled = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicInteger requests = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>(todo.size());
        for (Home home : todo) {
            slots.acquire();
            all.add(enrolOne(home, requests).whenComplete((ok, failure) -> {
                slots.release();
                if (failure == null) {
                    enrolled.add(home.hubId());
                } else if (problems.size() < 10) {
                    problems.add(home.hubId() + ": " + failure.getMessage());
                }
            }));
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null)
                    .get(Math.max(120, todo.size() / 10), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            problems.add("enrolment did not finish: " + e);
        }
        Files.writeString(
                enrolledFile,
                enrolled.stream().map(h -> h + "\n").reduce("", String::concat),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("enrolling " + (todo.size() - enrolled.size()) + " of " + todo.size()
                    + " homes failed, e.g. " + String.join("; ", problems));
        }
        return enrolled.size();
    }

    /** The fleet's care team and its patients, by the organisation import (upserts by id). */
    private void importPatients(List<Home> homes, boolean withTeam) throws IOException, InterruptedException {
        StringBuilder doc = new StringBuilder("{");
        if (withTeam) {
            doc.append(
                            "\"organisations\":[{\"id\":\"fleet-region\",\"name\":\"Simulerad region\",\"kind\":\"REGION\"}],")
                    .append("\"teams\":[{\"id\":\"")
                    .append(TEAM)
                    .append("\",\"organisationId\":\"fleet-region\",")
                    .append("\"name\":\"Hemsjukvård, simulerad flotta\",\"slots\":[{\"person\":\"fleet-nurse\",")
                    .append("\"days\":[1,2,3,4,5,6,7],\"starts\":\"00:00\",\"ends\":\"00:00\"}]}],")
                    .append("\"people\":[{\"id\":\"fleet-nurse\",\"organisationId\":\"fleet-region\",")
                    .append("\"name\":\"Simulerad sjuksköterska\",\"teams\":[{\"team\":\"")
                    .append(TEAM)
                    .append("\",\"role\":\"NURSE\"}]}],");
        }
        doc.append("\"patients\":[");
        for (int i = 0; i < homes.size(); i++) {
            Home home = homes.get(i);
            doc.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"")
                    .append(home.patientId())
                    .append("\",\"name\":\"Simulerad patient ")
                    .append(home.index())
                    .append("\"}");
        }
        doc.append("]}");
        HttpResponse<String> answer =
                http.send(post("/api/admin/organisation", doc.toString()), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    "importing the fleet's patients answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    private CompletableFuture<Void> enrolOne(Home home, AtomicInteger requests) {
        String enrol = "{\"patientId\":\"" + home.patientId() + "\",\"name\":\"Simulerad patient " + home.index()
                + "\",\"reserveNumber\":\"SIM-" + home.index() + "\",\"teams\":[\"" + TEAM + "\"],\"hubId\":\""
                + home.hubId() + "\"}";
        CompletableFuture<Void> chain = send("/api/enrolment/patients", enrol, requests, 201);
        for (String[] device : List.of(
                new String[] {home.scaleId(), "sim-scale"},
                new String[] {home.cuffId(), "sim-cuff"},
                new String[] {home.oximeterId(), "sim-oximeter"})) {
            String bind = "{\"deviceId\":\"" + device[0] + "\",\"model\":\"" + device[1] + "\",\"patientId\":\""
                    + home.patientId() + "\"}";
            chain = chain.thenCompose(
                    v -> send("/api/enrolment/hubs/" + home.hubId() + "/devices", bind, requests, 200));
        }
        return chain;
    }

    /** One request; a 409 (enrolled or bound by an earlier, interrupted run) is as good as {@code expected}. */
    private CompletableFuture<Void> send(String path, String json, AtomicInteger requests, int expected) {
        requests.incrementAndGet();
        return http.sendAsync(post(path, json), HttpResponse.BodyHandlers.ofString())
                .thenAccept(answer -> {
                    if (answer.statusCode() != expected && answer.statusCode() != 409) {
                        throw new IllegalStateException(
                                "POST " + path + " answered " + answer.statusCode() + ": " + answer.body());
                    }
                });
    }

    private HttpRequest post(String path, String json) {
        return HttpRequest.newBuilder(cloud.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + apiKey)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
    }
}
