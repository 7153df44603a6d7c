package io.nara.ingest.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Who took a step of an alert's trail, as the page names them: never an internal id where a name exists. */
class InboxTrailNamesTest {

    @Test
    void aPersonIsNamedAndTheCloudsOwnStepsSayNära() {
        assertThat(Inbox.actorName("person:anna", "Anna Sjöberg")).isEqualTo("Anna Sjöberg");
        assertThat(Inbox.actorName("system:demo-ingest", null)).isEqualTo("Nära (automatiskt) / Nära (automatic)");
        assertThat(Inbox.actorName("operator", null)).isEqualTo("Driften / Operator");
    }

    @Test
    void anActorWithoutANameIsShownAsItIsAndNoActorIsNone() {
        assertThat(Inbox.actorName("relative:lena", null)).isEqualTo("relative:lena");
        assertThat(Inbox.actorName(null, null)).isNull();
    }
}
