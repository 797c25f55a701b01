package io.packwright.workflows.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.workflows.RecordedHistories;
import io.packwright.workflows.TaskQueues;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The process schedule workflow on Temporal's time-skipping test server, over an in-memory lane
 * ({@link FakeProcessScheduleActivities}): it fires at each planned instant and nowhere else, picks
 * up a change at once, sleeps while disabled, wakes for execution deadlines, ends with its lane, and
 * continues as new without a gap or a duplicate. The rules themselves (kinds, DST) and the catch-up
 * after an outage (one missed run, never a burst) are decided by the activities and tested with
 * them.
 *
 * <p>With {@code -Dpackwright.recordHistories=true} the tests that call {@link #record} write their
 * histories to {@code src/test/resources/histories/process-schedule}, which {@link
 * ProcessScheduleWorkflowReplayTest} replays.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ProcessScheduleWorkflowTest {

    private static final Instant START = Instant.parse("2027-03-20T12:00:30Z");
    private static final UUID INSTANCE = UUID.fromString("1a57a2ce-0000-4000-8000-000000000001");
    private static final UUID COMPONENT = UUID.fromString("c0a90e27-0000-4000-8000-000000000002");
    private static final UUID ENVIRONMENT = UUID.fromString("e2b12a3e-0000-4000-8000-000000000003");
    private static final String WORKFLOW_ID = ProcessScheduleWorkflow.workflowId(INSTANCE, COMPONENT, ENVIRONMENT);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private TestWorkflowEnvironment testEnv;
    private WorkflowClient client;
    private FakeProcessScheduleActivities lane;
    private WorkflowExecution firstRun;

    @BeforeEach
    void startTestServer() {
        testEnv = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setInitialTime(START)
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
                        .setIdentity(ProcessScheduleWorkflowTest.class.getSimpleName())
                        .build())
                .build());
        client = testEnv.getWorkflowClient();
    }

    @AfterEach
    void stopTestServer() {
        testEnv.close();
    }

    private void startWorker(Duration every) {
        lane = new FakeProcessScheduleActivities(() -> Instant.ofEpochMilli(testEnv.currentTimeMillis()), every);
        Worker worker = testEnv.newWorker(TaskQueues.RELEASES);
        worker.registerWorkflowImplementationTypes(ProcessScheduleWorkflowImpl.class);
        worker.registerActivitiesImplementations(lane);
        testEnv.start();
    }

    private ProcessScheduleWorkflow start() {
        ProcessScheduleWorkflow workflow = client.newWorkflowStub(
                ProcessScheduleWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(WORKFLOW_ID)
                        .setTaskQueue(TaskQueues.RELEASES)
                        .build());
        firstRun = WorkflowClient.start(workflow::run, new ProcessLane(INSTANCE, COMPONENT, ENVIRONMENT, null));
        return workflow;
    }

    private static Instant minute(int n) {
        return Instant.parse("2027-03-20T12:00:00Z").plus(MINUTE.multipliedBy(n));
    }

    @Test
    void firesAtEachScheduledInstantAndNowhereElse() {
        startWorker(MINUTE);
        start();
        testEnv.sleep(Duration.ofMinutes(10).plusSeconds(10));

        List<Instant> expected = new ArrayList<>();
        for (int n = 1; n <= 10; n++) {
            expected.add(minute(n));
        }
        assertEquals(expected, lane.fires());
        assertTrue(
                lane.calls().stream().filter(call -> call.startsWith("fire@")).allMatch(call -> {
                    Instant at = Instant.parse(call.substring(5));
                    return at.getEpochSecond() % 60 == 0;
                }),
                () -> "every fire runs at its instant: " + lane.calls());
        record("every-minute");
    }

    @Test
    void aChangeWhileSleepingIsPickedUpAtOnce() {
        startWorker(Duration.ofHours(1));
        ProcessScheduleWorkflow workflow = start();
        testEnv.sleep(Duration.ofMinutes(5));
        assertEquals(List.of(), lane.fires());

        lane.every(MINUTE);
        workflow.changed();
        testEnv.sleep(Duration.ofMinutes(3));

        assertEquals(List.of(minute(6), minute(7), minute(8)), lane.fires());
        record("changed-while-sleeping");
    }

    @Test
    void aDisabledScheduleWaitsForItsNextChange() {
        startWorker(MINUTE);
        ProcessScheduleWorkflow workflow = start();
        testEnv.sleep(Duration.ofMinutes(2).plusSeconds(10));
        lane.disable();
        workflow.changed();
        testEnv.sleep(Duration.ofHours(2));

        assertEquals(List.of(minute(1), minute(2)), lane.fires());
        long plansWhileDisabled =
                lane.calls().stream().filter(call -> call.startsWith("plan@")).count();
        assertTrue(plansWhileDisabled <= 3, "a disabled schedule sleeps without polling: " + lane.calls());
    }

    @Test
    void itWakesForExecutionDeadlinesBetweenFires() {
        startWorker(Duration.ofHours(1));
        ProcessScheduleWorkflow workflow = start();
        lane.addDeadline(minute(7).plusSeconds(15));
        workflow.changed();
        testEnv.sleep(Duration.ofMinutes(10));

        List<Instant> passed = lane.passedDeadlines();
        assertEquals(1, passed.size(), passed::toString);
        Duration late = Duration.between(minute(7).plusSeconds(15), passed.get(0));
        assertTrue(!late.isNegative() && late.compareTo(Duration.ofSeconds(1)) < 0, "checked at its deadline: " + late);
    }

    @Test
    void deletingTheScheduleEndsTheWorkflow() throws Exception {
        startWorker(MINUTE);
        ProcessScheduleWorkflow workflow = start();
        testEnv.sleep(Duration.ofMinutes(1).plusSeconds(10));
        lane.delete();
        workflow.changed();

        WorkflowStub.fromTyped(workflow).getResult(10, TimeUnit.SECONDS, Void.class);
        assertEquals(List.of(minute(1)), lane.fires());
        record("deleted");
    }

    @Test
    void continuesAsNewWithoutAGapOrADuplicate() {
        startWorker(MINUTE);
        start();
        testEnv.sleep(Duration.ofMinutes(400));

        List<Instant> fires = lane.fires();
        assertEquals(400, fires.size(), () -> "one fire per minute: " + fires.size());
        assertEquals(fires.size(), new HashSet<>(fires).size(), "no duplicate");
        for (int i = 0; i < fires.size(); i++) {
            assertEquals(minute(i + 1), fires.get(i));
        }
        List<WorkflowExecutionHistory> runs = runs();
        assertTrue(runs.size() >= 2, "the history was bounded by continue-as-new: " + runs.size() + " run(s)");
        for (WorkflowExecutionHistory run : runs) {
            assertFalse(
                    run.getEvents().size() > ProcessScheduleWorkflowImpl.MAX_HISTORY_EVENTS + 50,
                    "a run's history stays bounded: " + run.getEvents().size());
        }
        record("continue-as-new");
    }

    /** Every run of the workflow, oldest first. */
    private List<WorkflowExecutionHistory> runs() {
        return RecordedHistories.runs(client, WORKFLOW_ID, firstRun.getRunId());
    }
    /** With {@code -Dpackwright.recordHistories=true}: the histories of this test's runs, for the replay test. */
    private void record(String name) {
        RecordedHistories.record("histories/process-schedule", name, this::runs);
    }
}
