package io.packwright.workflows.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.workflows.RecordedHistories;
import io.packwright.workflows.TaskQueues;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The retry workflow against {@link FakeReleaseRetryActivities} on Temporal's test server with time
 * skipping: every failed instance is tried once, in batches with a carried cursor, across
 * continue-as-new, and a release that stops being retriable stops the retry.
 *
 * <p>With {@code -Dpackwright.recordHistories=true} the tests write their histories to {@code
 * src/test/resources/histories/release-retry}, which {@link ReleaseRetryWorkflowReplayTest} replays.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReleaseRetryWorkflowTest {

    private static final Instant START = Instant.parse("2027-03-20T12:00:00Z");
    private static final UUID RELEASE_ID = UUID.fromString("7e1ea5e0-0000-4000-8000-000000000001");
    private static final UUID PACK_ID = UUID.fromString("9ac0ffee-0000-4000-8000-000000000002");
    private static final int RELEASE_NUMBER = 7;
    private static final String WORKFLOW_ID = ReleaseRetryWorkflow.workflowId(PACK_ID, RELEASE_NUMBER);
    private static final Duration HOUR = Duration.ofHours(1);

    private TestWorkflowEnvironment testEnv;
    private WorkflowClient client;
    private FakeReleaseRetryActivities retries;
    private WorkflowExecution firstRun;

    @BeforeEach
    void startTestServer() {
        testEnv = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setInitialTime(START)
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
                        .setIdentity(ReleaseRetryWorkflowTest.class.getSimpleName())
                        .build())
                .build());
        client = testEnv.getWorkflowClient();
    }

    @AfterEach
    void stopTestServer() {
        testEnv.close();
    }

    @Test
    void everyFailedInstanceIsTriedOnceInBatches() {
        startWorker(ReleaseStatus.RELEASED);
        List<UUID> fixed = retries.addFailed(7, true);
        List<UUID> broken = retries.addFailed(4, false);

        ReleaseRetryResult result = run(new ReleaseTuning(3, 2, 4, 50, 5_000, HOUR));

        assertEquals(new ReleaseRetryResult(ReleaseStatus.RELEASED, 7, 4), result);
        Map<UUID, FakeReleaseRetryActivities.Row> rows = retries.rows();
        for (UUID id : fixed) {
            assertTrue(rows.get(id).applied);
            assertEquals(2, rows.get(id).attempts);
        }
        for (UUID id : broken) {
            assertTrue(!rows.get(id).applied);
            assertEquals(2, rows.get(id).attempts, "still failing, and counted");
        }
        List<ReleaseRetryActivities.RetryFailedInput> calls = retries.calls();
        assertEquals(2, calls.size(), "11 rows, 3 a batch, 2 batches a call");
        assertEquals(null, calls.get(0).after());
        assertTrue(calls.get(1).after() != null, "the cursor is carried from call to call");
        assertTrue(calls.stream()
                .allMatch(call -> call.batchSize() == 3
                        && call.maxBatches() == 2
                        && call.failedBefore().equals(START)
                        && call.releaseId().equals(RELEASE_ID)));
        recordHistories("retry");
    }

    @Test
    void aReleaseThatStopsBeingRetriableStopsTheRetry() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        retries.addFailed(10, true);
        retries.stopAfter(2, ReleaseStatus.ABORTED);

        ReleaseRetryResult result = run(new ReleaseTuning(2, 1, 4, 50, 5_000, HOUR));

        assertEquals(new ReleaseRetryResult(ReleaseStatus.ABORTED, 4, 0), result);
        assertEquals(3, retries.calls().size(), "no call after the one that found it aborted");
        assertEquals(
                4, retries.rows().values().stream().filter(row -> row.applied).count());
        recordHistories("aborted");
    }

    @Test
    void continuesAsNewWithTheCursorCarried() {
        startWorker(ReleaseStatus.PAUSED);
        retries.addFailed(150, true);

        ReleaseRetryResult result = run(new ReleaseTuning(1, 1, 4, 50, 500, HOUR));

        assertEquals(new ReleaseRetryResult(ReleaseStatus.PAUSED, 150, 0), result);
        assertTrue(retries.rows().values().stream().allMatch(row -> row.applied && row.attempts == 2));
        List<WorkflowExecutionHistory> runs = runs();
        assertTrue(runs.size() >= 2, "continued as new: " + runs.size());
        for (WorkflowExecutionHistory run : runs) {
            assertTrue(
                    run.getEvents().size() < 700,
                    "a run's history: " + run.getEvents().size());
        }
        assertEquals(
                151, retries.calls().size(), "the carried cursor never rereads a row: one call per row and one more");
        recordHistories("continue-as-new");
    }

    private void startWorker(ReleaseStatus status) {
        retries = new FakeReleaseRetryActivities(status);
        Worker worker = testEnv.newWorker(TaskQueues.RELEASES);
        worker.registerWorkflowImplementationTypes(ReleaseRetryWorkflowImpl.class);
        worker.registerActivitiesImplementations(retries);
        testEnv.start();
    }

    private ReleaseRetryResult run(ReleaseTuning tuning) {
        ReleaseRetryWorkflow workflow = client.newWorkflowStub(
                ReleaseRetryWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(WORKFLOW_ID)
                        .setTaskQueue(TaskQueues.RELEASES)
                        .build());
        firstRun = WorkflowClient.start(
                workflow::run, new ReleaseRetryInput(RELEASE_ID, PACK_ID, RELEASE_NUMBER, START, tuning, null));
        return client.newUntypedWorkflowStub(WORKFLOW_ID).getResult(ReleaseRetryResult.class);
    }

    private List<WorkflowExecutionHistory> runs() {
        return RecordedHistories.runs(client, WORKFLOW_ID, firstRun.getRunId());
    }

    private void recordHistories(String name) {
        RecordedHistories.record("histories/release-retry", name, this::runs);
    }
}
