package io.nara.gateway.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.message.HubStatus.FailedUpdate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UpdateResultTest {

    @Test
    void aRollbackIsAFailedUpdateWithItsVersionAndReason() {
        FailedUpdate failed = UpdateResult.failure("2026-12-06T23:10:00Z ROLLED_BACK 0.2.0+broken 0.2.0+broken did not "
                        + "start (nara-hub.service is failed; journalctl -u nara-hub); running 0.1.0\n")
                .orElseThrow();
        assertThat(failed.version()).isEqualTo("0.2.0+broken");
        assertThat(failed.outcome()).isEqualTo(FailedUpdate.Outcome.ROLLED_BACK);
        assertThat(failed.reason()).startsWith("0.2.0+broken did not start").endsWith("running 0.1.0");
        assertThat(failed.at()).isEqualTo(Instant.parse("2026-12-06T23:10:00Z"));
    }

    @Test
    void aRefusalIsAFailedUpdateEvenWithoutAVersion() {
        FailedUpdate refused = UpdateResult.failure("2026-12-06T23:10:00Z REFUSED - the configuration is not usable: "
                        + "nara-hub: /etc/nara/hub.conf line 3: unknown setting X")
                .orElseThrow();
        assertThat(refused.version()).isEqualTo("-");
        assertThat(refused.outcome()).isEqualTo(FailedUpdate.Outcome.REFUSED);
        assertThat(refused.reason()).contains("unknown setting X");
    }

    @Test
    void anUpdateThatWentThroughOrWaitsIsNoFailure() {
        assertThat(UpdateResult.failure("2026-12-06T23:10:00Z UPDATED 0.2.0 from 0.1.0"))
                .isEmpty();
        assertThat(UpdateResult.failure("2026-12-06T23:10:00Z POSTPONED 0.2.0 alerts waiting to be sent"))
                .isEmpty();
    }

    @Test
    void aLineNotInTheUpdatersFormatIsRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> UpdateResult.failure("")).hasMessageContaining("not TIME RESULT VERSION MESSAGE");
        assertThatThrownBy(() -> UpdateResult.failure("yesterday REFUSED 0.2.0 x"))
                .hasMessageContaining("'yesterday' is not a UTC time");
        assertThatThrownBy(() -> UpdateResult.failure("2026-12-06T23:10:00Z EXPLODED 0.2.0 x"))
                .hasMessageContaining("unknown result 'EXPLODED'");
    }
}
