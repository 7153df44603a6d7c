package io.nara.gateway.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.testkit.Tools;
import io.nara.protocol.message.AlertSeen.SeenBy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sentence the hub says, rendered by the real espeak-ng in Swedish and measured by sox: speech of a plausible
 * length, not silence. The player stands in only for the sound device: a script that keeps the WAV it was given.
 */
class SpeakerTest {

    @TempDir
    Path dir;

    /** Every sentence the hub can say. */
    private static List<Utterance> everySentence() {
        List<Utterance> all = new ArrayList<>();
        for (List<String> codes : List.of(
                List.of("8480-6"),
                List.of("29463-7"),
                List.of("59408-5"),
                List.of("8310-5"),
                List.of("15074-8"),
                List.of("8867-4"),
                List.of("718-7"))) {
            all.add(Phrases.measured(codes));
        }
        for (List<String> codes :
                List.of(List.of("29463-7"), List.of("8480-6"), List.of("29463-7", "8480-6"), List.of("59408-5"))) {
            all.add(Phrases.reminder(codes));
        }
        all.add(Phrases.seen(SeenBy.NURSE));
        all.add(Phrases.seen(SeenBy.DOCTOR));
        return all;
    }

    @Test
    void everySentenceIsSwedishSpeechOfAPlausibleLength() throws Exception {
        Tools.require("espeak-ng", "espeak-ng");
        Tools.require("sox", "sox");
        Speaker speaker = new Speaker(Speaker.Settings.defaults(), dir);
        try {
            for (Utterance u : everySentence()) {
                Path wav = dir.resolve("sentence.wav");
                assertThat(speaker.render(u.text(), 70, wav)).as(u.text()).isTrue();
                String stat = soxStat(wav);
                double seconds = number(stat, "Length \\(seconds\\)");
                double rms = number(stat, "RMS\\s+amplitude");
                double peak = number(stat, "Maximum amplitude");
                assertThat(seconds).as("length of '%s'", u.text()).isBetween(0.5, 4.0);
                assertThat(rms)
                        .as("loudness of '%s' (silence is about 0)", u.text())
                        .isGreaterThan(0.02);
                assertThat(peak).as("'%s' does not clip", u.text()).isLessThan(0.99);
            }
        } finally {
            speaker.close();
        }
    }

    @Test
    void aSentenceIsRenderedAndHandedToThePlayer() throws Exception {
        Tools.require("espeak-ng", "espeak-ng");
        Path kept = dir.resolve("kept.wav");
        Path player = dir.resolve("player.sh");
        Files.writeString(player, "#!/bin/sh\ncp \"$1\" " + kept + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(player, PosixFilePermissions.fromString("rwx------"));
        Speaker speaker = new Speaker(Speaker.Settings.defaults().withPlayer(List.of(player.toString())), dir);
        try {
            speaker.say(Phrases.seen(SeenBy.NURSE), 70);
            await().atMost(Duration.ofSeconds(30)).until(() -> speaker.played().contains(Phrases.NURSE_SAW));
            byte[] header = Files.readAllBytes(kept);
            assertThat(new String(header, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
            // The temporary WAV is gone once played.
            try (var left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("nara-voice-"));
            }
        } finally {
            speaker.close();
        }
    }

    @Test
    void aMissingRendererIsNoFailureOfTheHub() throws Exception {
        Speaker.Settings settings =
                new Speaker.Settings("no-such-espeak-ng", "sv", 140, List.of("true"), Duration.ofSeconds(5), 2);
        Speaker speaker = new Speaker(settings, dir);
        try {
            assertThat(speaker.render("Vikten är registrerad", 70, dir.resolve("x.wav")))
                    .isFalse();
            speaker.say(Phrases.measured(List.of("29463-7")), 70); // queued, tried, logged: never thrown
            assertThat(speaker.played()).isEmpty();
        } finally {
            speaker.close();
        }
    }

    private static String soxStat(Path wav) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sox", wav.toString(), "-n", "stat")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private static double number(String stat, String label) {
        Matcher m = Pattern.compile(label + ":\\s+(-?[0-9.]+)").matcher(stat);
        assertThat(m.find()).as(label + " in " + stat).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
