package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.util.List;

/**
 * One rule of a care plan. Every kind carries what the nurse and the routing need: severity, who responds first, how
 * long before it escalates, and the text the nurse sees.
 *
 * <p>In JSON the kind is the field {@code kind}; a rule without one is a {@code threshold}, so care plans written
 * before kinds existed still read the same.
 */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.PROPERTY,
        property = "kind",
        defaultImpl = ThresholdRule.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = ThresholdRule.class, name = "threshold"),
    @JsonSubTypes.Type(value = WindowChangeRule.class, name = "change-over-window"),
    @JsonSubTypes.Type(value = BaselineChangeRule.class, name = "change-from-baseline"),
    @JsonSubTypes.Type(value = CombinationRule.class, name = "combination"),
    @JsonSubTypes.Type(value = RepetitionRule.class, name = "repetition"),
    @JsonSubTypes.Type(value = DeviceAttentionRule.class, name = "device-attention"),
    @JsonSubTypes.Type(value = MissingMeasurementRule.class, name = "missing"),
    @JsonSubTypes.Type(value = HubOfflineRule.class, name = "hub-offline"),
    @JsonSubTypes.Type(value = LowBatteryRule.class, name = "device-battery"),
    @JsonSubTypes.Type(value = SilentDeviceRule.class, name = "device-silent"),
})
public sealed interface Rule
        permits ThresholdRule,
                WindowChangeRule,
                BaselineChangeRule,
                CombinationRule,
                RepetitionRule,
                DeviceAttentionRule,
                MissingMeasurementRule,
                HubOfflineRule,
                LowBatteryRule,
                SilentDeviceRule {

    /** Where a rule is evaluated: the hub sees readings (also offline); only the cloud can see silence. */
    enum Where {
        HUB,
        CLOUD
    }

    /** Stable id within the plan; alerts name it. */
    String id();

    Severity severity();

    /** The text the nurse sees (Swedish first, English second by convention). */
    String message();

    /** The care team that responds first; null for the patient's default team. */
    String respondFirst();

    /** How long an alert may stay unacknowledged before it escalates; null for the severity's default. */
    Duration escalateAfter();

    /**
     * Rules with the same episode name share one episode (e.g. potassium above 5.5 as a warning and above 6.0 as
     * urgent): one alert while any of them holds, raised in severity when a worse one starts to hold. Null: the
     * rule's own id.
     */
    String episode();

    /** LOINC codes whose readings the rule looks at; empty for rules that do not look at values. */
    @JsonIgnore
    List<String> codes();

    @JsonIgnore
    Where where();

    @JsonIgnore
    default String episodeKey() {
        return episode() == null ? id() : episode();
    }
}
