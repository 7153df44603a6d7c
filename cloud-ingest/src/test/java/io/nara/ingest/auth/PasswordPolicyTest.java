package io.nara.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    private static List<String> rules(String candidate) {
        return PasswordPolicy.check(candidate, "anna", "Anna Sjöberg", "anna-secret-1").stream()
                .map(PasswordPolicy.Problem::rule)
                .toList();
    }

    @Test
    void aLongPasswordOfHerOwnIsAccepted() {
        assertThat(rules("blåbärssylt på tisdagar")).isEmpty();
        assertThat(rules("korrekt häst batteri")).isEmpty();
    }

    @Test
    void tooShortSaysHowLongItMustBeAndHowLongItIsSwedishFirst() {
        List<PasswordPolicy.Problem> problems = PasswordPolicy.check("kort-ord", "anna", "Anna Sjöberg", "x");
        assertThat(problems).extracting(PasswordPolicy.Problem::rule).containsExactly("min-length");
        assertThat(problems.get(0).message())
                .isEqualTo("Lösenordet måste ha minst 12 tecken (det har 8) / "
                        + "The password must have at least 12 characters (it has 8)");
        // Characters, not bytes: twelve Swedish letters are twelve.
        assertThat(rules("åäöåäöåäöåäx")).isEmpty();
    }

    @Test
    void theUserNameOrNameInItInAnyCaseIsRefused() {
        assertThat(rules("ANNA-is-my-name-2026")).containsExactly("contains-username");
        assertThat(rules("hej sjöberg från norr")).containsExactly("contains-name");
    }

    @Test
    void theCurrentPasswordOrOneCharacterRepeatedIsRefused() {
        assertThat(PasswordPolicy.check("samma lösenord igen", "anna", "Anna Sjöberg", "samma lösenord igen"))
                .extracting(PasswordPolicy.Problem::rule)
                .containsExactly("unchanged");
        assertThat(rules("xxxxxxxxxxxxxxxx")).containsExactly("one-character");
    }

    @Test
    void everyBrokenRuleIsNamedAtOnceAndNothingIsAnswerEnough() {
        assertThat(rules("anna")).containsExactly("min-length", "contains-username");
        assertThat(rules("")).containsExactly("required");
        assertThat(rules("a".repeat(100) + "b".repeat(29))).containsExactly("max-length");
    }
}
