package io.nara.gateway.tablet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paired tablets survive a restart, the hub keeps only a hash of each token, and a removed tablet is locked out. */
class PairedTabletsTest {

    private static final Instant T = Instant.parse("2026-12-07T08:00:00Z");

    @Test
    void aTokenIsKeptHashedAndSurvivesARestart(@TempDir Path dir) throws Exception {
        PairedTablets tablets = PairedTablets.load(dir);
        PairedTablets.Paired paired = tablets.pair("anna", T);
        assertThat(paired.tablet().id()).isEqualTo("tablet-1");
        assertThat(paired.token()).hasSizeGreaterThanOrEqualTo(43); // 256 bits in base64url
        String onDisk = Files.readString(dir.resolve(PairedTablets.FILE_NAME));
        assertThat(onDisk).doesNotContain(paired.token()).contains(PairedTablets.hash(paired.token()));
        assertThat(PairedTablets.hash(paired.token()))
                .hasSize(64)
                .isNotEqualTo(PairedTablets.hash(paired.token() + "x"));

        PairedTablets restarted = PairedTablets.load(dir);
        assertThat(restarted.find(paired.token()))
                .get()
                .extracting(PairedTablets.Tablet::patientId)
                .isEqualTo("anna");
        assertThat(restarted.find("not-a-token")).isEmpty();
        assertThat(restarted.find(null)).isEmpty();
        assertThat(restarted.pair("anna", T).tablet().id()).isEqualTo("tablet-2");
    }

    @Test
    void aRemovedTabletsTokenNoLongerWorks(@TempDir Path dir) throws Exception {
        PairedTablets tablets = PairedTablets.load(dir);
        PairedTablets.Paired one = tablets.pair("anna", T);
        PairedTablets.Paired two = tablets.pair("anna", T);
        assertThat(tablets.remove("tablet-1")).isTrue();
        assertThat(tablets.remove("tablet-1")).isFalse();
        assertThat(tablets.find(one.token())).isEmpty();
        assertThat(PairedTablets.load(dir).find(one.token()))
                .as("after a restart too")
                .isEmpty();
        assertThat(PairedTablets.load(dir).find(two.token())).isPresent();
    }
}
