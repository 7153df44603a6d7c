package io.nara.ingest;

import io.nara.ingest.alerting.AlertStore;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.db.Database;
import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.StoredBatchListener;
import io.nara.ingest.web.ApiRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A part of the node that lives in a module of its own (the FHIR API and push in {@code cloud-fhir}): the core cannot
 * name its classes, so the node finds it with {@link ServiceLoader} ({@code META-INF/services/io.nara.ingest.NodeFeature}
 * in the module) and hands it what it needs. The runnable jar, the package and the image hold every feature module.
 *
 * <p>Settings: a feature's command-line options are a picocli mixin ({@link #options()}) that {@link IngestMain} adds
 * to its own, so they come from the same sources in the same order (command line, {@code NARA_INGEST_*}, the
 * configuration file, the default) and an unknown key in the file is still an error.
 */
public interface NodeFeature {

    /** A short name, for logs and as the options' mixin name. */
    String name();

    /** The feature's options, an object with picocli {@code @Option} fields; null for none. */
    default Object options() {
        return null;
    }

    /**
     * Checks the parsed options before the node starts; throws {@link io.nara.ingest.config.ConfigurationException}
     * naming the option when they do not fit together.
     */
    default void configure() {}

    /** Slow set-up (blocking: reflection, files); run on a worker thread before {@link #start}. */
    default void prepare() {}

    /** Starts the feature on the event loop, non-blocking; what it adds to the node. */
    Contribution start(Context context);

    /** Stops what {@link #start} began; blocking is allowed (the node stops on a worker thread). */
    default void stop() {}

    /**
     * What a feature gets from the node; all of it shared with the core and closed by the node.
     *
     * @param influxWorker the worker pool for InfluxDB reads
     * @param webAddress   the web app's public address, for links in what the feature serves
     * @param carePlans    the care plans and the hubs' configs, for a feature that changes a plan (a discharge)
     * @param alerts       the alert store, for a feature that raises the cloud's own alerts (routed like a hub's)
     */
    record Context(
            Vertx vertx,
            Database db,
            InfluxDatabase influx,
            WorkerExecutor influxWorker,
            Clock clock,
            String webAddress,
            CarePlanService carePlans,
            AlertStore alerts) {}

    /**
     * What a feature adds: routes mounted behind the web server's authentication, and listeners told of every stored
     * batch inside the batch's transaction.
     */
    record Contribution(List<ApiRoutes> routes, List<StoredBatchListener> batchListeners) {

        public Contribution {
            routes = List.copyOf(routes);
            batchListeners = List.copyOf(batchListeners);
        }
    }

    /** The feature modules on the class path, each with its default settings. */
    static List<NodeFeature> installed() {
        return ServiceLoader.load(NodeFeature.class).stream()
                .map(ServiceLoader.Provider::get)
                .toList();
    }
}
