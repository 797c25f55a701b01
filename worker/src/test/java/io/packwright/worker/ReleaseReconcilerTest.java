package io.packwright.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.packwright.activities.release.RefusingReleaseWorkflowStarter;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.temporal.TestTemporalServer;
import io.packwright.workflows.release.ManualApplySignal;
import io.packwright.workflows.release.ReleaseStatus;
import io.packwright.workflows.release.ReleaseWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.testserver.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler in a real worker against real PostgreSQL and Temporal's test server, with a
 * stand-in release workflow ({@link AwaitingReleaseWorkflowImpl}): exactly the open releases of live
 * packs get a workflow, none twice, also after Temporal was down or lost its state, and nothing that
 * fails stops it.
 */
class ReleaseReconcilerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration NEVER_AGAIN = Duration.ofHours(1);
    private static final Duration OFTEN = Duration.ofMillis(300);
    private static final WorkflowExecutionStatus RUNNING = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

    private TestDatabase database;
    private ReleaseRows rows;
    private TestTemporalServer temporal;
    private ApplicationContext context;

    @BeforeEach
    void createDatabase() {
        database = TestDatabases.create().migrate();
        rows = new ReleaseRows(database);
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
        if (temporal != null) {
            temporal.close();
        }
    }

    @Test
    void theStartupPassStartsTheWorkflowOfEveryLiveProcessLaneOnce() {
        String lane = rows.processLane();
        temporal = TestTemporalServer.start();

        startWorker(temporal.address(), NEVER_AGAIN, Map.of());
        ReleaseReconciler reconciler = context.getBean(ReleaseReconciler.class);
        Eventually.await(WAIT, "the start-up pass ends", () -> reconciler.passes() >= 1);

        assertEquals(Optional.of(RUNNING), status(lane), "a disabled schedule's workflow waits for its change");
        String run = runId(lane);
        assertEquals(new ReleaseReconciler.Pass(0, 1, 0, true), reconciler.reconcileLanes(10));
        assertEquals(run, runId(lane), "the running workflow was left alone");
    }

    @Test
    void theStartupPassStartsExactlyTheOpenReleasesOfLivePacksAndARerunStartsNothing() {
        UUID current = rows.pack("Current");
        String released = rows.release(current, 1, ReleaseStatus.RELEASED);
        String inProgress = rows.release(current, 2, ReleaseStatus.IN_PROGRESS);
        String scheduled = rows.release(rows.pack("Pending"), 1, ReleaseStatus.SCHEDULED);
        UUID ended = rows.pack("Ended");
        String superseded = rows.release(ended, 1, ReleaseStatus.SUPERSEDED);
        String cancelled = rows.release(ended, 2, ReleaseStatus.CANCELLED);
        UUID deleted = rows.pack("Deleted");
        String ofDeletedPack = rows.release(deleted, 1, ReleaseStatus.SCHEDULED);
        String alsoOfDeletedPack = rows.release(deleted, 2, ReleaseStatus.IN_PROGRESS);
        rows.markDeleted(deleted);
        temporal = TestTemporalServer.start();

        startWorker(temporal.address(), NEVER_AGAIN, Map.of());
        ReleaseReconciler reconciler = context.getBean(ReleaseReconciler.class);
        Eventually.await(WAIT, "the start-up pass ends", () -> reconciler.passes() >= 1);

        assertEquals(Optional.of(RUNNING), status(inProgress));
        assertEquals(Optional.of(RUNNING), status(scheduled));
        for (String none : List.of(released, superseded, cancelled, ofDeletedPack, alsoOfDeletedPack)) {
            assertEquals(Optional.empty(), status(none), none + " has no workflow");
        }
        assertTrue(context.getBean(SearchAttributeRegistration.class).registered(), "search attributes registered");
        String inProgressRun = runId(inProgress);
        String scheduledRun = runId(scheduled);

        assertEquals(new ReleaseReconciler.Pass(0, 2, 0, true), reconciler.reconcile());
        assertEquals(inProgressRun, runId(inProgress), "the running workflow was left alone");
        assertEquals(scheduledRun, runId(scheduled), "the running workflow was left alone");
    }

    @Test
    void readsTheOpenReleasesInKeysetPages() {
        temporal = TestTemporalServer.start();
        startWorker(temporal.address(), NEVER_AGAIN, Map.of());
        ReleaseReconciler reconciler = context.getBean(ReleaseReconciler.class);
        Eventually.await(WAIT, "the start-up pass ends", () -> reconciler.passes() >= 1);
        List<String> open = new ArrayList<>();
        for (int pack = 0; pack < 7; pack++) {
            UUID packId = rows.pack("Pack " + pack);
            rows.release(packId, 1, ReleaseStatus.RELEASED);
            open.add(rows.release(packId, 2, pack % 2 == 0 ? ReleaseStatus.IN_PROGRESS : ReleaseStatus.SCHEDULED));
        }

        assertEquals(new ReleaseReconciler.Pass(7, 0, 0, true), reconciler.reconcile(3));
        for (String workflowId : open) {
            assertEquals(Optional.of(RUNNING), status(workflowId), workflowId);
        }
        assertEquals(new ReleaseReconciler.Pass(0, 7, 0, true), reconciler.reconcile(3));
        assertEquals(new ReleaseReconciler.Pass(0, 7, 0, true), reconciler.reconcile(7));
    }

    @Test
    void aCompletedWorkflowIsNotStartedAgainButACancelledOneIs() {
        String completing = rows.release(rows.pack("Completing"), 1, ReleaseStatus.IN_PROGRESS);
        String cancelling = rows.release(rows.pack("Cancelling"), 1, ReleaseStatus.SCHEDULED);
        temporal = TestTemporalServer.start();
        startWorker(temporal.address(), NEVER_AGAIN, Map.of());
        ReleaseReconciler reconciler = context.getBean(ReleaseReconciler.class);
        Eventually.await(WAIT, "the start-up pass ends", () -> reconciler.passes() >= 1);
        String cancelledRun = runId(cancelling);

        client().newWorkflowStub(ReleaseWorkflow.class, completing)
                .manualApplyRequested(new ManualApplySignal(UUID.randomUUID()));
        client().newUntypedWorkflowStub(cancelling).cancel();
        Eventually.await(
                WAIT,
                "one workflow completes, the other is cancelled",
                () -> status(completing)
                                .equals(Optional.of(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED))
                        && status(cancelling)
                                .equals(Optional.of(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED)));

        // Both rows are still open: the stand-in workflow does not write them as the real one does.
        assertEquals(new ReleaseReconciler.Pass(1, 1, 0, true), reconciler.reconcile());
        assertEquals(
                Optional.of(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED),
                status(completing),
                "a completed run is not followed by another");
        assertEquals(Optional.of(RUNNING), status(cancelling));
        assertNotEquals(cancelledRun, runId(cancelling), "a new run follows the cancelled one");
    }

    @Test
    void startsTheWorkflowsOnceTemporalIsReachableAndAgainAfterItLostThem() {
        String first = rows.release(rows.pack("First"), 1, ReleaseStatus.IN_PROGRESS);
        String second = rows.release(rows.pack("Second"), 1, ReleaseStatus.SCHEDULED);
        int port = TestTemporalServer.freePort();
        startWorker("127.0.0.1:" + port, OFTEN, Map.of());
        ReleaseReconciler reconciler = context.getBean(ReleaseReconciler.class);

        long passStarted = System.nanoTime();
        ReleaseReconciler.Pass whileDown = reconciler.reconcile();
        Duration passTook = Duration.ofNanos(System.nanoTime() - passStarted);
        assertEquals(new ReleaseReconciler.Pass(0, 0, 0, false), whileDown);
        assertTrue(passTook.compareTo(Duration.ofSeconds(10)) < 0, "a pass while Temporal is down took " + passTook);
        Eventually.await(WAIT, "passes go on while Temporal is down", () -> reconciler.passes() >= 3);

        temporal = TestTemporalServer.startOn(port);
        Eventually.await(WAIT, "both workflows start once Temporal is up", () -> running(first) && running(second));
        String firstRun = runId(first);

        temporal.close();
        temporal = TestTemporalServer.startOn(port);
        Eventually.await(
                WAIT,
                "both workflows start again on the restarted server, which forgot them",
                () -> running(second) && running(first) && !runId(first).equals(firstRun));
    }

    /**
     * A Temporal that lost its state lost the search attributes with the workflows, and refuses a
     * start that carries them; the Java test server even keeps a ghost of the refused workflow that
     * blocks every later start of its id. So the reconciler registers them again before it starts
     * anything, on every pass.
     */
    @Test
    void registersTheSearchAttributesAgainOnATemporalThatLostThem() {
        String open = rows.release(rows.pack("Open"), 1, ReleaseStatus.IN_PROGRESS);
        temporal = TestTemporalServer.start();
        int port =
                Integer.parseInt(temporal.address().substring(temporal.address().lastIndexOf(':') + 1));
        startWorker(temporal.address(), OFTEN, Map.of());
        Eventually.await(WAIT, "the workflow starts", () -> running(open));
        String firstRun = runId(open);

        temporal.close();
        temporal = null;
        // a server of its own, without the attributes that TestTemporalServer registers on every start
        TestServer.PortBoundTestServer bare = TestServer.createPortBoundServer(port, true);
        try {
            String later = rows.release(rows.pack("Later"), 1, ReleaseStatus.SCHEDULED);
            Eventually.await(
                    WAIT,
                    "both workflows start on the server that forgot the search attributes",
                    () -> running(open) && running(later) && !runId(open).equals(firstRun));
            assertTrue(context.getBean(SearchAttributeRegistration.class).registered());
        } finally {
            context.stop();
            context = null;
            bare.close();
        }
    }

    @Test
    void aStartThatFailsIsLoggedAndRetriedWithoutStoppingTheScan() {
        String before = rows.release(rows.pack("Before"), 1, ReleaseStatus.IN_PROGRESS);
        String refused = rows.release(
                rows.pack(RefusingReleaseWorkflowStarter.REFUSED_PREFIX + " pack"), 1, ReleaseStatus.SCHEDULED);
        String after = rows.release(rows.pack("After"), 1, ReleaseStatus.IN_PROGRESS);
        temporal = TestTemporalServer.start();
        startWorker(temporal.address(), NEVER_AGAIN, Map.of(RefusingReleaseWorkflowStarter.ENABLED, "true"));
        ReleaseReconciler reconciler = context.getBean(ReleaseReconciler.class);
        RefusingReleaseWorkflowStarter starter = context.getBean(RefusingReleaseWorkflowStarter.class);
        Eventually.await(WAIT, "the start-up pass ends", () -> reconciler.passes() >= 1);

        assertEquals(1, starter.refused.get());
        assertEquals(Optional.of(RUNNING), status(before));
        assertEquals(Optional.empty(), status(refused));
        assertEquals(Optional.of(RUNNING), status(after), "the scan went on after the failed start");

        assertEquals(new ReleaseReconciler.Pass(0, 2, 1, true), reconciler.reconcile());
        starter.refusing = false;
        assertEquals(new ReleaseReconciler.Pass(1, 2, 0, true), reconciler.reconcile());
        assertEquals(Optional.of(RUNNING), status(refused));
    }

    @Test
    void aPassThatCannotReadTheDatabaseDoesNotStopTheNextOnes() {
        temporal = TestTemporalServer.start();
        startWorker(temporal.address(), OFTEN, Map.of());
        ReleaseReconciler reconciler = context.getBean(ReleaseReconciler.class);
        Eventually.await(WAIT, "the start-up pass ends", () -> reconciler.passes() >= 1);

        rows.execute("ALTER TABLE releases RENAME TO releases_unreadable");
        int failing = reconciler.passes();
        Eventually.await(WAIT, "two passes fail", () -> reconciler.passes() >= failing + 2);
        rows.execute("ALTER TABLE releases_unreadable RENAME TO releases");
        String open = rows.release(rows.pack("Later"), 1, ReleaseStatus.IN_PROGRESS);

        Eventually.await(WAIT, "a later pass starts the workflow", () -> running(open));
    }

    @Test
    void theReconcileIntervalAndTheRegistrationComeFromConfiguration() {
        temporal = TestTemporalServer.start();
        startWorker(
                temporal.address(),
                Duration.ofSeconds(42),
                Map.of("packwright.worker.register-search-attributes", "false"));

        WorkerProperties properties = context.getBean(WorkerProperties.class);
        assertEquals(Duration.ofSeconds(42), properties.reconcileInterval());
        assertFalse(properties.registerSearchAttributes());
        assertFalse(context.getBean(SearchAttributeRegistration.class).active(), "nothing to register");
    }

    @Test
    void aReconcileIntervalThatIsNotPositiveFailsStartup() {
        Map<String, Object> properties = TestProperties.worker(database, "127.0.0.1:" + TestTemporalServer.freePort());
        properties.put("packwright.worker.reconcile-interval", "0s");

        RuntimeException failure = assertThrows(RuntimeException.class, () -> ApplicationContext.run(properties));

        StringBuilder messages = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("PACKWRIGHT_WORKER_RECONCILE_INTERVAL"), messages.toString());
    }

    private void startWorker(String temporalAddress, Duration reconcileInterval, Map<String, String> extra) {
        Map<String, Object> properties = TestProperties.worker(database, temporalAddress);
        properties.put(ReleaseWorkflowRegistrations.ENABLED, "true");
        properties.put("packwright.worker.reconcile-interval", reconcileInterval.toMillis() + "ms");
        properties.putAll(extra);
        context = ApplicationContext.run(properties);
    }

    private WorkflowClient client() {
        return context.getBean(WorkflowClient.class);
    }

    /** For conditions polled while Temporal may be restarting: false also when it cannot be asked. */
    private boolean running(String workflowId) {
        try {
            return status(workflowId).equals(Optional.of(RUNNING));
        } catch (WorkflowServiceException e) {
            return false;
        }
    }

    private Optional<WorkflowExecutionStatus> status(String workflowId) {
        return describe(workflowId).map(WorkflowExecutionDescription::getStatus);
    }

    private String runId(String workflowId) {
        return describe(workflowId).orElseThrow().getExecution().getRunId();
    }

    private Optional<WorkflowExecutionDescription> describe(String workflowId) {
        try {
            return Optional.of(client().newUntypedWorkflowStub(workflowId).describe());
        } catch (WorkflowNotFoundException e) {
            return Optional.empty();
        }
    }
}
