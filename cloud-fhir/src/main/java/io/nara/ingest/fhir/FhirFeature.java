package io.nara.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.nara.ingest.NodeFeature;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FHIR R4 as a node feature: the API for journal systems under {@code /fhir/} (always on) and, when a server is
 * configured, the push of every new reading to it, queued in the stored batch's transaction.
 */
public final class FhirFeature implements NodeFeature {

    private static final Logger LOG = LoggerFactory.getLogger(FhirFeature.class);

    /** Set when the node parses its options (found with ServiceLoader); null when made with settings. */
    private final FhirOptions options;

    private FhirPush.Settings settings;
    private FhirContext fhir;
    private FhirPush pusher;

    /** As the node finds it: settings from its options. */
    public FhirFeature() {
        this.options = new FhirOptions();
        this.settings = FhirPush.Settings.none();
    }

    /** With these push settings ({@link FhirPush.Settings#none()} for none), as tests and embedders make it. */
    public FhirFeature(FhirPush.Settings settings) {
        this.options = null;
        this.settings = settings;
    }

    @Override
    public String name() {
        return "fhir";
    }

    @Override
    public Object options() {
        return options;
    }

    @Override
    public void configure() {
        if (options != null) {
            settings = options.settings();
        }
    }

    /** The push settings in force. */
    public FhirPush.Settings settings() {
        return settings;
    }

    @Override
    public void prepare() {
        // Building the FHIR model takes a second of reflection: on a worker, not on the event loop.
        fhir = FhirContext.forR4();
        fhir.newJsonParser().encodeResourceToString(new Observation());
    }

    @Override
    public Contribution start(Context context) {
        if (fhir == null) {
            throw new IllegalStateException("the FHIR feature starts after prepare()");
        }
        FhirRoutes routes = new FhirRoutes(
                fhir,
                context.influx(),
                context.influxWorker(),
                context.webAddress(),
                new HospitalDischarges(context.db(), context.carePlans(), context.alerts()));
        if (!settings.enabled()) {
            return new Contribution(List.of(routes), List.of());
        }
        pusher = new FhirPush(context.vertx(), context.db(), context.clock(), settings, fhir);
        pusher.start();
        LOG.info("pushing new readings to {}", settings.baseUrl());
        return new Contribution(List.of(routes), List.of(pusher::enqueue));
    }

    /** This node's FHIR push, for tests that drive it directly; null when no push is configured. */
    public FhirPush push() {
        return pusher;
    }
}
