package io.nara.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub keeps the config the cloud sent, durably, and starts with nothing when its file holds only identity. */
class HubConfigStoreTest {

    private final MessageCodec codec = new MessageCodec();

    @Test
    void aHubWithoutBootstrapWaitsWithAnEmptyConfigAndKeepsWhatTheCloudSendsAcrossARestart(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("hub-config.json");
        HubConfigStore store = HubConfigStore.load(file, null, codec);
        assertThat(store.current().version()).isZero();
        assertThat(store.current().devices()).isEmpty();

        List<Long> adopted = new ArrayList<>();
        store.onAdopted(c -> adopted.add(c.version()));
        HubConfig fromCloud = new HubConfig(
                1,
                1_764_000_000_000L,
                List.of(),
                List.of(new DeviceBinding("AA:00:00:00:00:0C", "and-ua-651ble", "karin")));
        assertThat(store.offer(fromCloud)).isTrue();
        assertThat(store.offer(fromCloud))
                .as("the same version again changes nothing")
                .isFalse();
        assertThat(adopted).containsExactly(1_764_000_000_000L);
        assertThat(Files.exists(dir.resolve("hub-config.json.tmp")))
                .as("no half-written file left")
                .isFalse();

        // A restart (or a power cut after the rename) reads the whole new config back.
        HubConfigStore restarted = HubConfigStore.load(file, null, codec);
        assertThat(restarted.current()).isEqualTo(fromCloud);
    }

    @Test
    void pairingModeFromTheCloudTravelsInTheConfig() {
        HubConfig config = new HubConfig(1, 5, List.of(), List.of(), Instant.parse("2026-12-06T10:00:00Z"));
        HubConfig read = codec.decode(codec.encode(config), HubConfig.class);
        assertThat(read.pairingUntil()).isEqualTo(config.pairingUntil());
        assertThat(codec.decode("{\"v\":1,\"version\":5}".getBytes(), HubConfig.class)
                        .pairingUntil())
                .isNull();
    }
}
