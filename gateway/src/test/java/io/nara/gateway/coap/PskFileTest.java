package io.nara.gateway.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing a key into the hub's key file: what the hub reads back is what the installer gave, and nothing else moves. */
class PskFileTest {

    @TempDir
    Path dir;

    private boolean write(Path file, String identity, String key) throws IOException {
        return PskFile.write(file, identity, key, PskFile.key(key));
    }

    @Test
    void aMissingFileIsMadeAndAKeyThatALineCannotHoldAsTextIsWrittenAsHex() throws Exception {
        Path file = dir.resolve("coap-psk");
        assertThat(write(file, "ip-a", " spaced key ")).isFalse();
        assertThat(write(file, "ip-b", "tab\tkey-0123")).isFalse();
        assertThat(write(file, "ip-c", "hex:00AABBCCDDEEFF11")).isFalse();
        assertThat(Files.readString(file)).doesNotContain("spaced").contains("ip-c=hex:00aabbccddeeff11");
        assertThat(PskFile.read(file)).hasSize(3).satisfies(keys -> {
            assertThat(keys.get("ip-a")).isEqualTo(" spaced key ".getBytes(StandardCharsets.UTF_8));
            assertThat(keys.get("ip-b")).isEqualTo("tab\tkey-0123".getBytes(StandardCharsets.UTF_8));
            assertThat(keys.get("ip-c")).hasSize(8);
        });
    }

    @Test
    void aFileTheHubCannotReadIsNotWrittenOver() throws Exception {
        Path file = Files.writeString(dir.resolve("coap-psk"), "ip-a=key-0123456789\nthis is not a key line\n");
        assertThatThrownBy(() -> write(file, "ip-b", "key-9876543210"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 2")
                .hasMessageNotContaining("key-0123456789");
        assertThat(Files.readString(file)).isEqualTo("ip-a=key-0123456789\nthis is not a key line\n");
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(file);
        }
    }

    @Test
    void aBadKeyIsNamedWithoutRepeatingIt() {
        assertThatThrownBy(() -> PskFile.key("hex:zz00112233445566"))
                .hasMessage("is not hex: after 'hex:' come hex digits, two per byte");
        assertThatThrownBy(() -> PskFile.key("1234567")).hasMessage("is shorter than 8 bytes");
        assertThat(PskFile.key("12345678")).hasSize(8);
    }
}
