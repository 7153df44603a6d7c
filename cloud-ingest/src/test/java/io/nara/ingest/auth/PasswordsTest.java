package io.nara.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {

    @Test
    void argon2idHashesVerifyOnlyTheRightPassword() {
        String hash = Passwords.hash("correct horse battery");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(Passwords.verify("correct horse battery", hash)).isTrue();
        assertThat(Passwords.verify("correct horse batterx", hash)).isFalse();
        assertThat(Passwords.verify("correct horse battery", null)).isFalse();
        assertThat(Passwords.hash("correct horse battery")).isNotEqualTo(hash);
    }
}
