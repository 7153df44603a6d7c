package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's release repository ({@code deploy/pi/release-repo.sh}): reprepro keeps one version per package and
 * skips an older one with only a warning, so the script decides. An older release is refused with both versions
 * named, unless it is published as a deliberate way back; what the hubs are served is then that version.
 */
class ReleaseRepositoryIT {

    @TempDir
    static Path dir;

    private static Path repoRoot;

    @BeforeAll
    static void start() {
        repoRoot = DevStack.ensureUp().repoRoot();
    }

    @Test
    void anOlderReleaseIsRefusedUnlessPublishedAsADowngrade() throws Exception {
        Path newer = fakeHubPackage("0.2.0");
        Path older = fakeHubPackage("0.1.0");
        assertThat(release("publish", newer.toString()).exitCode()).isZero();

        DevStack.Result refused = release("publish", older.toString());
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("0.1.0 is older than the published 0.2.0", "publish --downgrade");
        assertThat(served())
                .as("the repository still serves the newer release")
                .contains("Version: 0.2.0")
                .doesNotContain("Version: 0.1.0");
        assertThat(release("pin", "hub-x", "0.1.0", "downgrade").output()).contains("0.1.0 is not published");

        DevStack.Result downgrade = release("publish", "--downgrade", older.toString());
        assertThat(downgrade.exitCode()).as(downgrade.output()).isZero();
        assertThat(served()).contains("Version: 0.1.0").doesNotContain("Version: 0.2.0");
        DevStack.Result pinned = release("pin", "hub-x", "0.1.0", "downgrade");
        assertThat(pinned.exitCode()).as(pinned.output()).isZero();
        assertThat(Files.readString(dir.resolve("release/repo/pin/hub-x"))).isEqualTo("0.1.0 downgrade\n");
    }

    /** What apt on an arm64 hub reads: the signed repository's package index ("all" is listed under each). */
    private static String served() throws IOException {
        return Files.readString(dir.resolve("release/repo/dists/stable/main/binary-arm64/Packages"));
    }

    private static DevStack.Result release(String... args) {
        List<String> command = new ArrayList<>(List.of(
                "env",
                "NARA_RELEASE_DIR=" + dir.resolve("release"),
                "bash",
                repoRoot.resolve("deploy/pi/release-repo.sh").toString()));
        command.addAll(List.of(args));
        return DevStack.run(repoRoot, command, 120);
    }

    /**
     * A package named, versioned and built for "all" as the hub's is, holding nothing: the repository only reads its
     * control file.
     */
    private static Path fakeHubPackage(String version) throws IOException {
        Path tree = Files.createDirectories(dir.resolve("pkg-" + version).resolve("DEBIAN"));
        Files.writeString(tree.resolve("control"), """
                Package: nara-hub
                Version: %s
                Architecture: all
                Section: misc
                Priority: optional
                Maintainer: Nara <nara@example.org>
                Description: test package standing in for the hub
                """.formatted(version));
        Path deb = dir.resolve("nara-hub_" + version + "_all.deb");
        DevStack.Result built = DevStack.run(
                dir,
                List.of(
                        "dpkg-deb",
                        "--build",
                        "--root-owner-group",
                        tree.getParent().toString(),
                        deb.toString()),
                60);
        assertThat(built.exitCode()).as(built.output()).isZero();
        return deb;
    }
}
