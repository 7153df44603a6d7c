package io.nara.ingest.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one alert feed's payload: {@code kind:id}, anything else ignored rather than misread. */
class AlertFeedTest {

    @Test
    void aNewAndAChangedAlertAreReadAsKindAndId() {
        assertThat(AlertFeed.parse("alert.created:42")).contains(new AlertFeed.Change(AlertFeed.CREATED, 42));
        assertThat(AlertFeed.parse("alert.changed:7")).contains(new AlertFeed.Change(AlertFeed.CHANGED, 7));
    }

    @Test
    void anUnknownKindABareIdOrNoIdIsIgnored() {
        assertThat(AlertFeed.parse("alert.deleted:42")).isEmpty();
        assertThat(AlertFeed.parse("42")).isEmpty();
        assertThat(AlertFeed.parse("alert.created:")).isEmpty();
        assertThat(AlertFeed.parse("alert.changed:x")).isEmpty();
        assertThat(AlertFeed.parse(null)).isEmpty();
    }
}
