package io.nara.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.HubStatus.Storage.Level;
import org.junit.jupiter.api.Test;

/** How the hub's storage state reads in its status: the level the fleet page shows and the status is re-sent on. */
class StorageStateTest {

    @Test
    void theLevelIsTheWorstThingThePolicyDid() {
        assertThat(new StorageState(0, 0, false).inStatus(12, 6000).level()).isEqualTo(Level.OK);
        assertThat(new StorageState(40, 0, false).inStatus(6000, 6000).level()).isEqualTo(Level.THINNED);
        assertThat(new StorageState(40, 3, false).inStatus(6000, 6000).level()).isEqualTo(Level.DROPPED);
        assertThat(new StorageState(0, 0, true).inStatus(6000, 6000).level()).isEqualTo(Level.FULL);
        assertThat(new StorageState(40, 3, true).inStatus(6002, 6000).records()).isEqualTo(6002);
    }
}
