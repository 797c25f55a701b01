package io.packwright.worker;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.packwright.workflows.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal worker of the releases task queue, for the life of the application.
 *
 * <p>When the application has started, it starts the worker factory in the background and retries
 * with backoff until Temporal is reachable, so that the process (and its {@code /health}, which
 * reports Temporal DOWN meanwhile) stays up through a Temporal outage or a start in the wrong
 * order. When the application stops, it stops polling, waits up to {@code
 * packwright.worker.shutdown-grace-period} for in-flight tasks to finish, then interrupts the rest;
 * the Temporal connection is closed after this bean, so that the last results still reach Temporal.
 */
@Singleton
final class TemporalWorker implements ApplicationEventListener<StartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(TemporalWorker.class);
    private static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);
    private static final Duration START_ATTEMPT_STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration INTERRUPTED_TASKS_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration TERMINATION_POLL_INTERVAL = Duration.ofMillis(20);

    private final WorkerFactory factory;
    private final WorkerRegistrations registrations;
    private final Duration shutdownGracePeriod;
    private final ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "temporal-worker-starter");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopping;

    TemporalWorker(WorkflowClient client, WorkerProperties properties, WorkerRegistrations registrations) {
        this.factory = WorkerFactory.newInstance(client, properties.tuning().factoryOptions());
        this.registrations = registrations;
        this.shutdownGracePeriod = properties.shutdownGracePeriod();
        Worker worker = factory.newWorker(TaskQueues.RELEASES, workerOptions(properties));
        registrations.registerOn(worker);
    }

    static WorkerOptions workerOptions(WorkerProperties properties) {
        return properties.tuning().workerOptions();
    }

    /** The worker factory, for tests and diagnostics. */
    WorkerFactory factory() {
        return factory;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (registrations.isEmpty()) {
            // The SDK starts such a worker without complaint but skips its workflow and activity
            // pollers, which looks like a healthy worker that never picks up a task.
            LOG.warn(
                    "No workflow or activity implementations are registered for task queue {}: this worker"
                            + " connects to Temporal but does not poll the queue, so no release runs here",
                    TaskQueues.RELEASES);
        }
        schedule(Duration.ZERO, FIRST_RETRY_DELAY);
    }

    private void schedule(Duration delay, Duration nextDelay) {
        try {
            starter.schedule(() -> tryStart(nextDelay), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            if (!stopping) {
                throw e;
            }
        }
    }

    private void tryStart(Duration retryDelay) {
        if (stopping) {
            return;
        }
        try {
            factory.start();
            LOG.info(
                    "Temporal worker started on task queue {} with {} workflow type(s) and {} activity"
                            + " implementation(s)",
                    TaskQueues.RELEASES,
                    registrations.workflowImplementationTypes().size(),
                    registrations.activityImplementations().size());
        } catch (RuntimeException e) {
            if (stopping) {
                return;
            }
            LOG.warn("Cannot start the Temporal worker yet ({}); retrying in {}", e.toString(), retryDelay);
            Duration next = retryDelay.multipliedBy(2);
            schedule(retryDelay, next.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : next);
        }
    }

    @PreDestroy
    void stop() {
        stopping = true;
        starter.shutdownNow();
        try {
            if (!starter.awaitTermination(START_ATTEMPT_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The Temporal worker's start attempt did not end within {}", START_ATTEMPT_STOP_TIMEOUT);
            }
            if (!factory.isStarted()) {
                // Shutting down a factory that never reached Temporal would itself call Temporal.
                LOG.info("Temporal worker was never started; nothing to stop");
                return;
            }
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (factory.isStarted()) {
                LOG.warn("Interrupted while stopping the Temporal worker; interrupting its tasks");
                factory.shutdownNow();
            }
        }
        LOG.info("Temporal worker stopped (terminated: {})", factory.isTerminated());
    }

    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + shutdownGracePeriod.toNanos();
        LOG.info("Stopping the Temporal worker; in-flight tasks have {} to finish", shutdownGracePeriod);
        factory.shutdown();
        factory.awaitTermination(shutdownGracePeriod.toMillis(), TimeUnit.MILLISECONDS);
        // awaitTermination can return a moment before the factory reports itself terminated: its
        // state changes when the asynchronous shutdown of its workers completes.
        while (!factory.isTerminated() && System.nanoTime() < deadline) {
            Thread.sleep(TERMINATION_POLL_INTERVAL.toMillis());
        }
        if (!factory.isTerminated()) {
            LOG.warn("In-flight tasks did not finish within {}; interrupting them", shutdownGracePeriod);
            factory.shutdownNow();
            factory.awaitTermination(INTERRUPTED_TASKS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
