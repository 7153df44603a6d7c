package io.nara.gateway.voice;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpeechQueueTest {

    private static final Utterance REMIND_1 = new Utterance("påminnelse 1", Utterance.Kind.REMINDER);
    private static final Utterance REMIND_2 = new Utterance("påminnelse 2", Utterance.Kind.REMINDER);
    private static final Utterance WEIGHT = new Utterance("Vikten är registrerad", Utterance.Kind.CONFIRMATION);
    private static final Utterance SEEN = new Utterance("Sjuksköterskan har sett ditt larm", Utterance.Kind.SEEN);

    @Test
    void aFullQueueDropsTheOldestReminderNotTheSeenSentence() {
        SpeechQueue q = new SpeechQueue(3);
        q.offer(REMIND_1);
        q.offer(SEEN);
        q.offer(REMIND_2);
        assertThat(q.offer(WEIGHT)).contains(REMIND_1);
        assertThat(q.offer(new Utterance("Pulsen är registrerad", Utterance.Kind.CONFIRMATION)))
                .contains(REMIND_2);
        // No reminder left: the oldest confirmation gives way; the nurse's sentence stays.
        assertThat(q.offer(REMIND_1)).contains(WEIGHT);
        assertThat(q.size()).isEqualTo(3);
        assertThat(q.poll()).contains(SEEN);
    }

    @Test
    void itNeverGrowsPastItsCapacity() {
        SpeechQueue q = new SpeechQueue(2);
        for (int i = 0; i < 50; i++) {
            q.offer(new Utterance("sats " + i, Utterance.Kind.SEEN));
        }
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.poll().orElseThrow().text()).isEqualTo("sats 48");
        assertThat(q.poll().orElseThrow().text()).isEqualTo("sats 49");
        assertThat(q.poll()).isEmpty();
    }
}
