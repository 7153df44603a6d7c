package io.nara.gateway.ble;

import io.nara.gateway.installer.DeviceStates;
import io.nara.gateway.testkit.PipelineFixture;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A hub with a {@link BleTransport} for the BLE tests: in this JVM (bluez-dbus, which takes the private bus's
 * address), or in a separate JVM whose environment names the private bus as the system bus (tinyb, whose native code
 * connects only to the system bus). The child is driven through its standard input and answers on its standard
 * output ({@link #main}); both kinds answer the same questions, so both backends run the same cases.
 */
interface BleHub extends AutoCloseable {

    /** What the tests look at of a stored observation. */
    record Obs(String deviceId, String code, double value) {}

    /** What the tests look at of a device's state. */
    record State(String connection, String pairing, String clock, Integer battery, String attention) {}

    List<Obs> observations();

    State state(String address);

    void pairingMode();

    /** Occupies the outbox's only thread until {@link #release()}. */
    void hold();

    void release();

    @Override
    void close();

    static State state(DeviceStates.State s) {
        return s == null
                ? null
                : new State(s.connection().name(), s.pairing().name(), s.clock().name(), s.battery(), s.attention());
    }

    /** What the outbox holds: this hub's readings and those an earlier hub on the same folder stored. */
    static List<Obs> observations(PipelineFixture fixture) {
        return fixture.held().stream()
                .map(o -> new Obs(o.deviceId(), o.code(), o.value()))
                .toList();
    }

    /** The hub in this JVM. */
    final class InProcess implements BleHub {
        private final PipelineFixture fixture;
        private final DeviceStates states = new DeviceStates(Clock.systemUTC());

        private CountDownLatch held;

        private final BleTransport transport;

        /** The hub's pipeline and outbox, for what {@link Obs} does not show (flags, times, alerts). */
        PipelineFixture fixture() {
            return fixture;
        }

        InProcess(
                Path dir,
                String backend,
                String busAddress,
                Integer passkey,
                Duration connectTimeout,
                String... bindings)
                throws Exception {
            this(dir, backend, busAddress, passkey, connectTimeout, () -> true, bindings);
        }

        /** ... whose clock is synchronised only while {@code hubClock} says so. */
        InProcess(
                Path dir,
                String backend,
                String busAddress,
                Integer passkey,
                Duration connectTimeout,
                BooleanSupplier hubClock,
                String... bindings)
                throws Exception {
            fixture = new PipelineFixture(dir, hubClock, bindings);
            transport = new BleTransport(
                    fixture.vertx,
                    new BleSettings(backend, busAddress, "hci0", passkey, connectTimeout, Duration.ofSeconds(4)),
                    fixture.pipeline,
                    states,
                    Clock.systemUTC(),
                    PipelineFixture.ZONE);
            transport.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }

        @Override
        public List<Obs> observations() {
            return BleHub.observations(fixture);
        }

        @Override
        public State state(String address) {
            return BleHub.state(states.all().get(address));
        }

        @Override
        public void pairingMode() {
            states.pairingMode(Instant.now().plusSeconds(300));
        }

        @Override
        public void hold() {
            held = fixture.holdOutbox();
        }

        @Override
        public void release() {
            held.countDown();
        }

        @Override
        public String toString() {
            return "states " + states.all();
        }

        @Override
        public void close() {
            try {
                if (held != null) {
                    held.countDown();
                }
                transport.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                fixture.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The hub in a separate JVM with DBUS_SYSTEM_BUS_ADDRESS set to the private bus. */
    final class ChildJvm implements BleHub {
        private final Process process;
        private final BufferedWriter in;
        private final BufferedReader out;
        private final Path log;

        ChildJvm(
                Path dir,
                String backend,
                String busAddress,
                Integer passkey,
                Duration connectTimeout,
                String... bindings)
                throws Exception {
            Path hubDir = Files.createDirectories(dir.resolve("child-hub"));
            log = dir.resolve("child-hub.log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // tinyb's native library can crash while its JVM exits (a shared_ptr released twice); the crash
                    // report goes beside the child's log instead of into the module folder
                    "-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"),
                    "-cp",
                    System.getProperty("java.class.path"),
                    BleHub.class.getName(),
                    hubDir.toString(),
                    backend,
                    Long.toString(connectTimeout.toMillis()),
                    passkey == null ? "-" : passkey.toString()));
            command.addAll(Arrays.asList(bindings));
            // appended: a restarted hub writes to the same log
            ProcessBuilder pb =
                    new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", busAddress);
            process = pb.start();
            in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            List<String> started = ask("ping");
            if (!started.contains("STARTED")) {
                throw new IllegalStateException("the child hub did not start: " + started + "\n" + log());
            }
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "";
            }
        }

        /** Sends one command; returns the answer's lines up to END. */
        private synchronized List<String> ask(String command) {
            try {
                in.write(command + "\n");
                in.flush();
                List<String> lines = new ArrayList<>();
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.equals("END")) {
                        return lines;
                    }
                    lines.add(line);
                }
                throw new IllegalStateException("the child hub ended: " + lines + "\n" + log());
            } catch (IOException e) {
                throw new IllegalStateException("the child hub is gone: " + log(), e);
            }
        }

        @Override
        public List<Obs> observations() {
            return ask("observations").stream()
                    .map(l -> l.split(" "))
                    .map(p -> new Obs(p[0], p[1], Double.parseDouble(p[2])))
                    .toList();
        }

        @Override
        public State state(String address) {
            List<String> lines = ask("state " + address);
            if (lines.isEmpty()) {
                return null;
            }
            String[] p = lines.get(0).split(" ", 5);
            return new State(
                    p[0], p[1], p[2], p[3].equals("-") ? null : Integer.valueOf(p[3]), p[4].equals("-") ? null : p[4]);
        }

        @Override
        public void pairingMode() {
            ask("pairing");
        }

        @Override
        public void hold() {
            ask("hold");
        }

        @Override
        public void release() {
            ask("release");
        }

        @Override
        public String toString() {
            return "child hub log:\n" + log();
        }

        @Override
        public void close() {
            try {
                ask("quit");
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (RuntimeException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** The child hub: args dir backend connectTimeoutMs passkey|- bindings...; commands on standard input. */
    static void main(String[] args) throws Exception {
        Integer passkey = args[3].equals("-") ? null : Integer.valueOf(args[3]);
        String backend = args[1];
        // bluez-dbus takes the address; tinyb finds the system bus through the environment itself
        String bus = backend.equals("bluez-dbus") ? System.getenv("DBUS_SYSTEM_BUS_ADDRESS") : null;
        var stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // logs go to the child's log, answers to the parent
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        InProcess hub = new InProcess(
                Path.of(args[0]),
                backend,
                bus,
                passkey,
                Duration.ofMillis(Long.parseLong(args[2])),
                Arrays.copyOfRange(args, 4, args.length));
        for (String line; (line = commands.readLine()) != null; ) {
            String[] c = line.split(" ");
            switch (c[0]) {
                case "ping" -> stdout.println("STARTED");
                case "observations" ->
                    hub.observations().forEach(o -> stdout.println(o.deviceId() + " " + o.code() + " " + o.value()));
                case "state" -> {
                    State s = hub.state(c[1]);
                    if (s != null) {
                        stdout.println(s.connection() + " " + s.pairing() + " " + s.clock() + " "
                                + (s.battery() == null ? "-" : s.battery()) + " "
                                + (s.attention() == null ? "-" : s.attention()));
                    }
                }
                case "pairing" -> hub.pairingMode();
                case "hold" -> hub.hold();
                case "release" -> hub.release();
                case "quit" -> {
                    hub.close();
                    stdout.println("END");
                    System.exit(0);
                }
                default -> stdout.println("unknown command " + line);
            }
            stdout.println("END");
        }
        hub.close();
        System.exit(0);
    }
}
