package io.nara.ingest.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HubReleasesTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    private static HubReleases.Release release(String version, int percentage, List<String> hubs, int minutes) {
        return new HubReleases.Release(version, percentage, hubs, false, T.plusSeconds(60L * minutes), "operator");
    }

    @Test
    void aHubRunsTheNewestReleaseThatIncludesIt() {
        List<HubReleases.Release> newestFirst =
                List.of(release("0.3.0", 0, List.of("hub-pilot"), 2), release("0.2.0", 100, List.of(), 1));
        assertThat(HubReleases.pinned(newestFirst, "hub-pilot"))
                .get()
                .extracting(HubReleases.Release::version)
                .isEqualTo("0.3.0");
        assertThat(HubReleases.pinned(newestFirst, "hub-other"))
                .get()
                .extracting(HubReleases.Release::version)
                .isEqualTo("0.2.0");
    }

    @Test
    void noReleaseIncludesAHubOutsideEveryRollout() {
        assertThat(HubReleases.pinned(List.of(release("0.2.0", 0, List.of("hub-pilot"), 1)), "hub-other"))
                .isEmpty();
    }

    @Test
    void raisingThePercentageOnlyAddsHubs() {
        List<String> hubs = IntStream.range(0, 1000).mapToObj(i -> "hub-" + i).toList();
        List<String> at10 = hubs.stream()
                .filter(h -> release("1", 10, List.of(), 0).includes(h))
                .toList();
        List<String> at50 = hubs.stream()
                .filter(h -> release("1", 50, List.of(), 0).includes(h))
                .toList();
        assertThat(at50).containsAll(at10);
        // Roughly the share asked for: the bucket spreads hub ids evenly.
        assertThat(at10.size()).isBetween(50, 150);
        assertThat(at50.size()).isBetween(400, 600);
        assertThat(hubs.stream().allMatch(h -> release("1", 100, List.of(), 0).includes(h)))
                .isTrue();
    }
}
