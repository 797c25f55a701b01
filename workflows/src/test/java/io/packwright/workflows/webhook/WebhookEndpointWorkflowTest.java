package io.packwright.workflows.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.workflows.RecordedHistories;
import io.packwright.workflows.TaskQueues;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The webhook endpoint workflow on Temporal's time-skipping test server over in-memory activities:
 * it passes again when the next attempt falls due and not before, at once when a pass left work or a
 * signal came, ends when nothing is pending, and continues as new with its history bounded. What a
 * pass sends and records is the activities' business, tested with them over a real receiver.
 *
 * <p>With {@code -Dpackwright.recordHistories=true} the tests write their histories to {@code
 * src/test/resources/histories/webhook-endpoint}, which {@link WebhookEndpointWorkflowReplayTest}
 * replays.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WebhookEndpointWorkflowTest {

    private static final Instant START = Instant.parse("2030-06-01T08:00:00Z");
    private static final UUID ENDPOINT = UUID.fromString("e4d90147-0000-4000-8000-000000000001");
    private static final String WORKFLOW_ID = WebhookEndpointWorkflow.workflowId(ENDPOINT);

    private TestWorkflowEnvironment testEnv;
    private WorkflowClient client;
    private WorkflowExecution firstRun;

    /** Passes answer from a script: each call takes the next answer, then "nothing pending". */
    private final class ScriptedPasses implements WebhookDeliveryActivities {
        final List<Instant> calls = new CopyOnWriteArrayList<>();
        final List<java.util.function.Function<Instant, DeliveryPass>> script = new CopyOnWriteArrayList<>();

        @Override
        public DeliveryPass deliver(UUID endpointId) {
            assertEquals(ENDPOINT, endpointId);
            Instant now = Instant.ofEpochMilli(testEnv.currentTimeMillis());
            calls.add(now);
            return script.isEmpty() ? DeliveryPass.idle() : script.remove(0).apply(now);
        }
    }

    private ScriptedPasses passes;

    @BeforeEach
    void startTestServer() {
        testEnv = TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setInitialTime(START).build());
        client = testEnv.getWorkflowClient();
        passes = new ScriptedPasses();
        Worker worker = testEnv.newWorker(TaskQueues.RELEASES);
        worker.registerWorkflowImplementationTypes(WebhookEndpointWorkflowImpl.class);
        worker.registerActivitiesImplementations(passes);
        testEnv.start();
    }

    @AfterEach
    void stopTestServer() {
        testEnv.close();
    }

    private WebhookEndpointWorkflow start() {
        WebhookEndpointWorkflow workflow = client.newWorkflowStub(
                WebhookEndpointWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(WORKFLOW_ID)
                        .setTaskQueue(TaskQueues.RELEASES)
                        .build());
        firstRun = WorkflowClient.start(workflow::run, ENDPOINT);
        return workflow;
    }

    private WorkflowExecutionStatus status() {
        return client.fetchHistory(WORKFLOW_ID).getLastEvent().getEventType()
                        == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
                ? WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
                : WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    }

    @Test
    void passesAgainWhenTheRetryFallsDueAndEndsWhenNothingIsPending() {
        passes.script.add(now -> new DeliveryPass(true, now.plusSeconds(20), false));
        passes.script.add(now -> new DeliveryPass(true, now.plus(Duration.ofMinutes(5)), false));
        start();
        testEnv.sleep(Duration.ofMinutes(10));

        assertEquals(
                List.of(START, START.plusSeconds(20), START.plusSeconds(20).plus(Duration.ofMinutes(5))), seconds());
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, status());
        record("retry-then-idle");
    }

    @Test
    void passesAtOnceWhenAPassLeftWorkAndWaitsAtLeastASecondForWorkNotDueYet() {
        passes.script.add(now -> new DeliveryPass(true, now, true));
        // due "now" by the activities' clock but not by Temporal's: at least a second, no busy loop
        passes.script.add(now -> new DeliveryPass(true, now.minusMillis(300), false));
        start();
        testEnv.sleep(Duration.ofSeconds(30));

        assertEquals(List.of(START, START, START.plusSeconds(1)), seconds(), passes.calls::toString);
    }

    @Test
    void aSignalWhileWaitingPassesAtOnceAndASignalAfterTheEndStartsItAgain() {
        passes.script.add(now -> new DeliveryPass(true, now.plus(Duration.ofHours(2)), false));
        WebhookEndpointWorkflow workflow = start();
        testEnv.sleep(Duration.ofMinutes(10));
        workflow.changed();
        testEnv.sleep(Duration.ofMinutes(2));

        assertEquals(2, passes.calls.size());
        assertEquals(
                START.plus(Duration.ofMinutes(10)),
                passes.calls.get(1).truncatedTo(java.time.temporal.ChronoUnit.MINUTES));
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, status());
        record("signalled-while-waiting");
    }

    @Test
    void aRunWithNothingPendingWaitsAMinuteForASignalBeforeItEnds() {
        WebhookEndpointWorkflow workflow = start();
        testEnv.sleep(Duration.ofSeconds(30));
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, status(), "lingering");
        workflow.changed();
        testEnv.sleep(Duration.ofSeconds(30));
        assertEquals(2, passes.calls.size(), "the signal is handled by the same run");
        assertEquals(1, runs().size());
        testEnv.sleep(Duration.ofMinutes(2));
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, status());
        assertEquals(2, passes.calls.size());
        record("signalled-while-lingering");
    }

    @Test
    void continuesAsNewWithItsHistoryBounded() {
        for (int i = 0; i < 400; i++) {
            passes.script.add(now -> new DeliveryPass(true, now.plusSeconds(30), false));
        }
        start();
        testEnv.sleep(Duration.ofHours(4));

        assertEquals(401, passes.calls.size());
        List<WorkflowExecutionHistory> runs = runs();
        assertTrue(runs.size() >= 2, "continued as new: " + runs.size() + " run(s)");
        for (WorkflowExecutionHistory run : runs) {
            assertFalse(
                    run.getEvents().size() > WebhookEndpointWorkflowImpl.MAX_HISTORY_EVENTS + 50,
                    "a run's history stays bounded: " + run.getEvents().size());
        }
        record("continue-as-new");
    }

    /**
     * The instants of the passes, to the second, as if the first was at {@link #START} (the test
     * server's clock runs on from its start while the worker comes up).
     */
    private List<Instant> seconds() {
        Instant first = passes.calls.get(0);
        return passes.calls.stream()
                .map(at -> START.plus(Duration.between(first, at)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .toList();
    }

    /** Every run of the workflow, oldest first. */
    private List<WorkflowExecutionHistory> runs() {
        return RecordedHistories.runs(client, WORKFLOW_ID, firstRun.getRunId());
    }

    /** With {@code -Dpackwright.recordHistories=true}: the histories of this test's runs, for the replay test. */
    private void record(String name) {
        RecordedHistories.record("histories/webhook-endpoint", name, this::runs);
    }
}
