package io.nara.ingest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's periodic jobs in one list, started and stopped together. A job's failure is logged with its name and does
 * not stop it: the next period runs it again.
 */
final class PeriodicJobs {

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicJobs.class);

    /** @param firstAfter zero to run it once at start too */
    record Job(String name, Duration firstAfter, Duration every, Supplier<Future<?>> action) {}

    private final List<Job> jobs = new ArrayList<>();
    private final List<Long> timers = new ArrayList<>();

    /** A job run every {@code every}, the first time one period after the start. */
    PeriodicJobs every(Duration every, String name, Supplier<Future<?>> action) {
        return add(new Job(name, every, every, action));
    }

    PeriodicJobs add(Job job) {
        jobs.add(job);
        return this;
    }

    /** On the node's context, so each job runs there. */
    void start(Vertx vertx) {
        for (Job job : jobs) {
            if (job.firstAfter().isZero()) {
                run(job);
                timers.add(vertx.setPeriodic(job.every().toMillis(), id -> run(job)));
            } else {
                timers.add(vertx.setPeriodic(
                        job.firstAfter().toMillis(), job.every().toMillis(), id -> run(job)));
            }
        }
    }

    void stop(Vertx vertx) {
        timers.forEach(vertx::cancelTimer);
        timers.clear();
    }

    private static void run(Job job) {
        Future<?> done;
        try {
            done = job.action().get();
        } catch (RuntimeException e) {
            done = Future.failedFuture(e);
        }
        done.onFailure(e -> LOG.warn("{} failed: {}", job.name(), e.getMessage()));
    }
}
