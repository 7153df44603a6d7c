package io.nara.gateway.careplan;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.Observation;
import io.nara.rules.episode.AlertEvent;
import java.time.Instant;
import java.util.List;

/**
 * How the hub judges a reading against the patient's plan; called inside the outbox transaction. The hub's is
 * {@link RuleStateStore}: the rules engine with its memory kept in the outbox's database.
 */
public interface HubRules {

    List<AlertEvent> evaluate(CarePlan plan, Observation observation, Instant now);
}
