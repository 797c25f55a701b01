package io.packwright.worker;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.transaction.TransactionOperations;
import io.packwright.activities.release.ReleaseWorkflowStarter;
import io.packwright.activities.schedule.ProcessLaneWorkflows;
import io.packwright.activities.store.release.OpenReleaseStore;
import io.packwright.activities.store.release.OpenReleaseStore.OpenRelease;
import io.packwright.activities.store.schedule.ProcessExecutionStore;
import io.packwright.activities.store.webhook.WebhookDeliveryStore;
import io.packwright.activities.temporal.TemporalProperties;
import io.packwright.activities.webhook.WebhookEndpointWorkflows;
import io.packwright.workflows.schedule.ProcessLane;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure that every open release, and every live process lane, has its workflow. The api writes a release row first and then
 * starts its workflow; a crash between the two, a start that failed while Temporal was unreachable,
 * or a Temporal server that lost its state (the embedded test server keeps it in memory) leaves an
 * open release without a workflow. This reconciler reads every release that is {@code SCHEDULED}
 * or {@code IN_PROGRESS} and whose pack is not deleted, in keyset pages, and starts its workflow
 * through {@link ReleaseWorkflowStarter}, which leaves a running workflow alone. Every pass first
 * registers the release search attributes ({@link SearchAttributeRegistration}), which such a server
 * lost too, and starts nothing while that fails for a reason that may pass.
 *
 * <p>Process lanes are reconciled the same way after the releases of each pass: every lane with a
 * schedule, open executions or a retry to queue gets its {@code ProcessScheduleWorkflow} started
 * through {@link ProcessLaneWorkflows#start}, which leaves a running one alone, so a lost signal of
 * the api or a Temporal that lost its state costs a schedule at most one interval.
 *
 * <p>A pass runs in the background right after start-up, then {@code
 * packwright.worker.reconcile-interval} (default 1 minute) after the end of the previous one, so it
 * never delays start-up. Nothing stops it but the application: a start that fails is logged and the
 * scan goes on with the next release; a pass that cannot read the database is logged and the next
 * pass tries again. While Temporal is unreachable a pass ends early instead of waiting out the
 * client's retries for every release, and the next pass starts what is left.
 *
 * <p>Every worker replica runs its own reconciler. That is harmless: starting a release's workflow
 * is idempotent (its id is fixed, and a running or completed workflow with that id is never started
 * again), so replicas that race for the same release start it once. A release whose pack is deleted
 * between the read and the start may get a workflow; it finds its release cancelled or gone and
 * ends, and the pack's clean-up cancels it anyway.
 */
@Singleton
final class ReleaseReconciler implements ApplicationEventListener<StartupEvent> {

    /** Releases read per transaction; the starts happen outside it. */
    static final int PAGE_SIZE = 500;

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseReconciler.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    // Failures that say Temporal as a whole cannot be reached, not that one start was refused.
    private static final Set<Status.Code> UNREACHABLE = Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);

    private final OpenReleaseStore store;
    private final ProcessExecutionStore lanes;
    private final ProcessLaneWorkflows laneWorkflows;
    private final WebhookDeliveryStore deliveries;
    private final WebhookEndpointWorkflows endpointWorkflows;
    private final TransactionOperations<Connection> transactions;
    private final ReleaseWorkflowStarter starter;
    private final WorkflowServiceStubs serviceStubs;
    private final SearchAttributeRegistration searchAttributes;
    private final String temporalAddress;
    private final Duration interval;
    private final AtomicInteger passes = new AtomicInteger();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "release-reconciler");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopping;

    ReleaseReconciler(
            OpenReleaseStore store,
            ProcessExecutionStore lanes,
            ProcessLaneWorkflows laneWorkflows,
            WebhookDeliveryStore deliveries,
            WebhookEndpointWorkflows endpointWorkflows,
            TransactionOperations<Connection> transactions,
            ReleaseWorkflowStarter starter,
            WorkflowServiceStubs serviceStubs,
            SearchAttributeRegistration searchAttributes,
            TemporalProperties temporal,
            WorkerProperties properties) {
        this.store = store;
        this.lanes = lanes;
        this.laneWorkflows = laneWorkflows;
        this.deliveries = deliveries;
        this.endpointWorkflows = endpointWorkflows;
        this.transactions = transactions;
        this.starter = starter;
        this.serviceStubs = serviceStubs;
        this.searchAttributes = searchAttributes;
        this.temporalAddress = temporal.address();
        this.interval = properties.reconcileInterval();
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        scheduler.scheduleWithFixedDelay(this::passOrLog, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the missing workflow of every open release, once.
     *
     * @throws RuntimeException when the database cannot be read; the releases read so far are handled
     */
    Pass reconcile() {
        return reconcile(PAGE_SIZE);
    }

    /** {@link #reconcile()} with pages of {@code pageSize} releases, for tests of the paging. */
    Pass reconcile(int pageSize) {
        if (!temporalReachable()) {
            LOG.warn(
                    "Temporal at {} is unreachable: the workflows of open releases are started by a later"
                            + " reconciliation",
                    temporalAddress);
            return new Pass(0, 0, 0, false);
        }
        if (!searchAttributes.ensureRegistered()) {
            // a start now could meet a Temporal without the attributes; the next pass registers first
            return new Pass(0, 0, 0, false);
        }
        return this.<OpenRelease>startAll(
                "open releases",
                pageSize,
                last -> transactions.executeRead(status ->
                        store.findPage(last == null ? null : last.release().releaseId(), pageSize)),
                open -> starter.start(open.release(), open.status()),
                open -> "the workflow " + open.release().workflowId() + " of open release "
                        + open.release().releaseId());
    }

    /** How many passes ended (completely or not), for tests and diagnostics. */
    int passes() {
        return passes.get();
    }

    /**
     * Starts the missing workflow of every live process lane, once, in pages of {@code pageSize}.
     *
     * @throws RuntimeException when the database cannot be read
     */
    Pass reconcileLanes(int pageSize) {
        if (!temporalReachable()) {
            return new Pass(0, 0, 0, false);
        }
        return this.<ProcessLane>startAll(
                "process lanes",
                pageSize,
                last -> lanes.liveLanes(last, pageSize),
                laneWorkflows::start,
                lane -> "the workflow of process lane " + lane);
    }

    /**
     * Starts the missing workflow of every enabled webhook endpoint with pending deliveries (a crash
     * between a dispatch and its signal, a Temporal that lost its state), once, in pages.
     *
     * @throws RuntimeException when the database cannot be read
     */
    Pass reconcileWebhookEndpoints(int pageSize) {
        if (!temporalReachable()) {
            return new Pass(0, 0, 0, false);
        }
        return this.<UUID>startAll(
                "webhook endpoints",
                pageSize,
                last -> deliveries.endpointsWithPendingDeliveries(last, pageSize),
                endpointWorkflows::start,
                endpoint -> "the delivery workflow of webhook endpoint " + endpoint);
    }

    /**
     * Starts the workflow of every item, page by page: {@code nextPage} reads the page after the last
     * item of the previous one ({@code null} for the first), {@code start} starts one item's
     * workflow unless it runs. A failed start is logged and the pass goes on, unless Temporal became
     * unreachable: then the pass ends, incomplete.
     */
    private <T> Pass startAll(
            String what,
            int pageSize,
            Function<T, List<T>> nextPage,
            Predicate<T> start,
            Function<T, String> describe) {
        int started = 0;
        int alreadyStarted = 0;
        int failed = 0;
        T last = null;
        List<T> page;
        do {
            page = nextPage.apply(last);
            for (T item : page) {
                if (stopping) {
                    return new Pass(started, alreadyStarted, failed, false);
                }
                try {
                    if (start.test(item)) {
                        started++;
                    } else {
                        alreadyStarted++;
                    }
                } catch (RuntimeException e) {
                    failed++;
                    LOG.warn(
                            "Could not start {}; the next reconciliation retries it: {}",
                            describe.apply(item),
                            e.toString());
                    if (UNREACHABLE.contains(Status.fromThrowable(e).getCode()) && !temporalReachable()) {
                        LOG.warn(
                                "Temporal at {} became unreachable: the remaining {} are left for the next"
                                        + " reconciliation",
                                temporalAddress,
                                what);
                        return log(what, new Pass(started, alreadyStarted, failed, false));
                    }
                }
            }
            if (!page.isEmpty()) {
                last = page.get(page.size() - 1);
            }
        } while (page.size() == pageSize);
        return log(what, new Pass(started, alreadyStarted, failed, true));
    }

    private void passOrLog() {
        try {
            reconcile();
            reconcileLanes(PAGE_SIZE);
            reconcileWebhookEndpoints(PAGE_SIZE);
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.warn("Reconciliation of open releases failed; the next one runs in {}", interval, e);
            }
        } finally {
            passes.incrementAndGet();
        }
    }

    private boolean temporalReachable() {
        try {
            return serviceStubs.healthCheck().getStatus() == ServingStatus.SERVING;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Pass log(String what, Pass pass) {
        if (pass.started() > 0 || pass.failed() > 0) {
            LOG.info(
                    "Reconciled {}: {} workflow(s) started, {} already running, {} failed",
                    what,
                    pass.started(),
                    pass.alreadyStarted(),
                    pass.failed());
        } else {
            LOG.debug("Reconciled {}: all {} workflow(s) already running", what, pass.alreadyStarted());
        }
        return pass;
    }

    @PreDestroy
    void stop() {
        stopping = true;
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The release reconciler did not stop within {}", STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What one pass did.
     *
     * @param started workflows this pass started
     * @param alreadyStarted open releases whose workflow was already running (or had completed)
     * @param failed starts that failed; the next pass retries them
     * @param complete whether the pass saw every open release (false when Temporal was unreachable,
     *     the search attributes could not be registered yet, or the worker stopped)
     */
    record Pass(int started, int alreadyStarted, int failed, boolean complete) {}
}
