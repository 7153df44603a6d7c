package io.nara.gateway.voice;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.VoiceSettings;
import io.nara.protocol.message.HubConfig;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's voice: decides by the patients' care plans (on/off, volume, quiet hours in the plan's zone) whether a
 * sentence is said, and hands it to the {@link Speaker}. During quiet hours nothing is said; the LED still shows.
 */
public final class Voice {

    private static final Logger LOG = LoggerFactory.getLogger(Voice.class);
    private static final int HISTORY = 20;

    private final Speaker speaker;
    private final Supplier<HubConfig> config;
    private final Clock clock;
    private final Deque<String> queued = new ArrayDeque<>();

    public Voice(Speaker speaker, Supplier<HubConfig> config, Clock clock) {
        this.speaker = speaker;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Says {@code u} to the patients named (one, or the household for a reminder) unless a plan keeps the hub quiet
     * now; returns whether it was queued.
     */
    public boolean say(List<String> patientIds, Utterance u) {
        HubConfig c = config.get();
        List<VoicePolicy.PlanVoice> plans = new ArrayList<>();
        for (String patientId : patientIds) {
            Optional<CarePlan> plan = c.carePlanFor(patientId);
            plans.add(plan.map(p -> new VoicePolicy.PlanVoice(p.effectiveVoice(), p.zoneId()))
                    .orElse(new VoicePolicy.PlanVoice(VoiceSettings.DEFAULT, ZoneId.of(CarePlan.DEFAULT_ZONE))));
        }
        Optional<String> silent = VoicePolicy.silentBecause(plans, clock.instant());
        if (silent.isPresent()) {
            LOG.info("voice: '{}' not said: {}", u.text(), silent.get());
            return false;
        }
        synchronized (queued) {
            queued.addLast(u.text());
            while (queued.size() > HISTORY) {
                queued.removeFirst();
            }
        }
        speaker.say(u, VoicePolicy.volume(plans));
        return true;
    }

    /** What was queued to be said, oldest first (the last 20), whether or not a sound device played it. */
    public List<String> queued() {
        synchronized (queued) {
            return new ArrayList<>(queued);
        }
    }

    public Speaker speaker() {
        return speaker;
    }
}
