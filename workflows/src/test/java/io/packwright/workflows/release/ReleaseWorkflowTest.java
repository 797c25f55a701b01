package io.packwright.workflows.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.packwright.workflows.RecordedHistories;
import io.packwright.workflows.TaskQueues;
import io.packwright.workflows.release.FakeReleaseActivities.Call;
import io.packwright.workflows.release.FakeReleaseActivities.LedgerEntry;
import io.packwright.workflows.release.FakeReleaseActivities.Outcome;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The release workflow against {@link FakeReleaseActivities} on Temporal's test server with time
 * skipping. Every test starts the workflow the way the api's starter does (fixed id, typed search
 * attributes) and asserts what reached the model: ledger rows, statuses, which activities ran.
 *
 * <p>With {@code -Dpackwright.recordHistories=true} the tests that call {@link #recordHistories}
 * write their histories to {@code src/test/resources/histories}, which {@link
 * ReleaseWorkflowReplayTest} replays.
 */
// Only against hangs: a broken workflow may wait forever, and a test run must end.
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReleaseWorkflowTest {

    private static final Instant START = Instant.parse("2027-03-20T12:00:00Z");
    private static final UUID RELEASE_ID = UUID.fromString("7e1ea5e0-0000-4000-8000-000000000001");
    private static final UUID PACK_ID = UUID.fromString("9ac0ffee-0000-4000-8000-000000000002");
    private static final UUID PARTNER_ID = UUID.fromString("0a47e700-0000-4000-8000-000000000003");
    private static final int RELEASE_NUMBER = 7;
    private static final String WORKFLOW_ID = ReleaseWorkflow.workflowId(PACK_ID, RELEASE_NUMBER);
    private static final Duration HOUR = Duration.ofHours(1);

    private TestWorkflowEnvironment testEnv;
    private WorkflowClient client;
    private FakeReleaseActivities release;
    private WorkflowExecution firstRun;

    @BeforeEach
    void startTestServer() {
        // A fixed identity, so that recorded histories do not carry this machine's name.
        testEnv = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setInitialTime(START)
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
                        .setIdentity(ReleaseWorkflowTest.class.getSimpleName())
                        .build())
                .build());
        ReleaseSearchAttributes.definitions().forEach(testEnv::registerSearchAttribute);
        client = testEnv.getWorkflowClient();
    }

    @AfterEach
    void stopTestServer() {
        if (release != null) {
            release.releaseHeldBatches();
        }
        testEnv.close();
    }

    @Test
    void immediateReleaseAppliesEveryInstanceOnceInParallelLanes() {
        ReleaseTuning tuning = new ReleaseTuning(4, 2, 3, 50, 5_000, HOUR);
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> instances = release.addInstances(47);

        start(immediate(tuning), ReleaseStatus.IN_PROGRESS);
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 47, 0), result);
        assertEquals(ReleaseStatus.RELEASED, release.status());
        Map<UUID, LedgerEntry> ledger = release.ledger();
        assertEquals(47, ledger.size());
        for (UUID instance : instances) {
            assertEquals(Outcome.APPLIED, ledger.get(instance).outcome());
            assertEquals(ApplyMode.IMMEDIATE, ledger.get(instance).mode());
            assertEquals(1, release.visits(instance), "each instance is read by exactly one batch");
        }
        assertEquals(1, release.calls("openRelease").size());
        assertEquals(List.of(new ReleaseActivities.PartitionInput(RELEASE_ID, 3)), inputs("partition"));
        assertEquals(1, release.calls("completeRelease").size());
        assertTrue(release.calls("applyRequested").isEmpty(), "an immediate release has no testing period");
        assertTrue(release.calls("finishCancelled").isEmpty());
        List<ReleaseActivities.ApplyBatchInput> batches = inputs("applyBatch");
        assertTrue(batches.size() >= 6, "several calls per lane: " + batches.size());
        assertTrue(batches.stream()
                .allMatch(batch ->
                        batch.mode() == ApplyMode.IMMEDIATE && batch.batchSize() == 4 && batch.maxBatches() == 2));
        assertEquals(
                3,
                batches.stream()
                        .map(batch -> String.valueOf(batch.upTo()))
                        .distinct()
                        .count());
        assertEquals(3, mostActivitiesOutstanding(runs().get(0), "ApplyBatch"), "the three lanes run at once");
        assertEquals("RELEASED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, status());
        recordHistories("immediate");
    }

    @Test
    void scheduledReleaseAppliesManualRequestsThenTheRestAtTheWindow() {
        ReleaseTuning tuning = new ReleaseTuning(4, 2, 3, 50, 5_000, Duration.ofHours(6));
        Instant windowStart = START.plus(Duration.ofDays(3));
        startWorker(ReleaseStatus.SCHEDULED);
        List<UUID> instances = release.addInstances(30);
        List<UUID> manual = instances.subList(0, 3);

        start(scheduled(windowStart, tuning), ReleaseStatus.SCHEDULED);
        testEnv.sleep(HOUR);
        manual.forEach(this::requestAndSignal);
        eventually(() -> release.ledger().keySet().containsAll(manual));

        for (UUID instance : manual) {
            LedgerEntry entry = release.ledger().get(instance);
            assertEquals(ApplyMode.MANUAL, entry.mode());
            assertTrue(entry.at() < windowStart.toEpochMilli(), "applied during the testing period");
        }
        assertEquals(ReleaseStatus.SCHEDULED, release.status());
        assertTrue(release.calls("openRelease").isEmpty());
        assertTrue(currentDetails().contains("Testing period until " + windowStart), currentDetails());

        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 30, 0), result);
        Map<UUID, LedgerEntry> ledger = release.ledger();
        assertEquals(30, ledger.size());
        assertEquals(3, count(ledger, ApplyMode.MANUAL));
        assertEquals(27, count(ledger, ApplyMode.AUTOMATIC));
        Call opened = single("openRelease");
        assertOpensAt(windowStart, opened);
        for (Call batch : release.calls("applyBatch")) {
            assertTrue(batch.at() >= windowStart.toEpochMilli(), "no automatic apply before the window");
            assertTrue(batch.sequence() > opened.sequence());
        }
        for (Call sweep : release.calls("applyRequested")) {
            assertTrue(sweep.sequence() < opened.sequence(), "manual applies only in the testing period");
        }
        for (UUID instance : instances) {
            assertEquals(1, release.visits(instance));
        }
        assertEquals(1, release.calls("completeRelease").size());
        assertEquals("RELEASED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        recordHistories("scheduled-manual-window");
    }

    @Test
    void manualApplyRacingTheWindowGivesEachInstanceOneOutcome() {
        ReleaseTuning tuning = new ReleaseTuning(3, 1, 2, 50, 5_000, HOUR);
        Instant windowStart = START.plus(Duration.ofDays(1));
        startWorker(ReleaseStatus.SCHEDULED);
        List<UUID> instances = release.addInstances(20);
        UUID early = instances.get(0);
        UUID atTheWindow = instances.get(1);
        UUID whileOpening = instances.get(2);
        release.onOpenRelease(() -> requestAndSignal(whileOpening));

        start(scheduled(windowStart, tuning), ReleaseStatus.SCHEDULED);
        testEnv.sleep(Duration.ofHours(23));
        requestAndSignal(early);
        testEnv.sleep(Duration.ofMillis(windowStart.toEpochMilli() - testEnv.currentTimeMillis()));
        requestAndSignal(atTheWindow);
        requestAndSignal(early);
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 20, 0), result);
        Map<UUID, LedgerEntry> ledger = release.ledger();
        assertEquals(20, ledger.size(), "one outcome per instance");
        assertTrue(ledger.values().stream().allMatch(entry -> entry.outcome() == Outcome.APPLIED));
        assertEquals(ApplyMode.MANUAL, ledger.get(early).mode());
        assertEquals(ApplyMode.AUTOMATIC, ledger.get(whileOpening).mode(), "requested after the window");
        long manual = count(ledger, ApplyMode.MANUAL);
        assertEquals(20 - manual, count(ledger, ApplyMode.AUTOMATIC));
        Call opened = single("openRelease");
        assertOpensAt(windowStart, opened);
        LedgerEntry raced = ledger.get(atTheWindow);
        assertTrue(
                raced.mode() == ApplyMode.AUTOMATIC || raced.mode() == ApplyMode.MANUAL && raced.at() <= opened.at(),
                "manually only while the release was still pending: " + raced);
        assertTrue(release.calls("applyRequested").stream().allMatch(call -> call.sequence() < opened.sequence()));
        assertEquals(0, release.queuedRequests(), "completing the release drops the requests left over");
        for (UUID instance : instances) {
            assertEquals(1, release.visits(instance));
        }
    }

    @Test
    void supersededDuringTestingPeriodAppliesNothingMore() {
        ReleaseTuning tuning = new ReleaseTuning(4, 2, 2, 50, 5_000, HOUR);
        startWorker(ReleaseStatus.SCHEDULED);
        List<UUID> instances = release.addInstances(10);

        start(scheduled(START.plus(Duration.ofDays(2)), tuning), ReleaseStatus.SCHEDULED);
        testEnv.sleep(HOUR);
        requestAndSignal(instances.get(0));
        eventually(() -> release.ledger().containsKey(instances.get(0)));
        // let the workflow go idle on its timer: the Java test server wedges a workflow whose cancel
        // request meets the completion of a workflow task (a real server retries the task)
        testEnv.sleep(Duration.ofMinutes(1));
        release.supersede();
        cancel();

        assertCancelled();
        assertEquals(ReleaseStatus.SUPERSEDED, release.status());
        assertEquals(1, release.calls("finishCancelled").size());
        assertNeverCalled("openRelease", "partition", "applyBatch", "completeRelease");
        assertEquals(Map.of(instances.get(0), ApplyMode.MANUAL), modes(release.ledger()));
        assertEquals("SUPERSEDED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        assertTrue(currentDetails().contains("Cancelled: SUPERSEDED"), currentDetails());
        recordHistories("superseded-testing-period");
    }

    @Test
    void deletedPackDuringTestingPeriodEndsCancelled() {
        ReleaseTuning tuning = new ReleaseTuning(4, 2, 2, 50, 5_000, HOUR);
        startWorker(ReleaseStatus.SCHEDULED);
        release.addInstances(10);

        start(scheduled(START.plus(Duration.ofDays(2)), tuning), ReleaseStatus.SCHEDULED);
        testEnv.sleep(Duration.ofHours(5));
        release.deletePack(true);
        cancel();

        assertCancelled();
        assertEquals(ReleaseStatus.CANCELLED, release.status());
        assertEquals(1, release.calls("finishCancelled").size());
        assertNeverCalled("openRelease", "partition", "applyBatch", "completeRelease");
        assertTrue(release.ledger().isEmpty());
        assertEquals("CANCELLED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        assertTrue(currentDetails().contains("no longer exists"), currentDetails());
    }

    @Test
    void cancelDuringFanOutStartsNoFurtherBatch() {
        ReleaseTuning tuning = new ReleaseTuning(5, 1, 2, 50, 5_000, HOUR);
        startWorker(ReleaseStatus.IN_PROGRESS);
        release.addInstances(200);
        release.holdBatchCallsAfter(6);

        start(immediate(tuning), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.batchesWaiting() == 2);
        int appliedBeforeCancel = release.ledger().size();
        int batchCallsBeforeCancel = release.calls("applyBatch").size();
        cancel();
        assertCancelled();
        release.releaseHeldBatches();
        eventually(() -> release.batchesRunning() == 0);

        assertEquals(30, appliedBeforeCancel, "six calls of one batch of five");
        assertEquals(8, batchCallsBeforeCancel);
        assertEquals(appliedBeforeCancel, release.ledger().size(), "nothing applied after the cancel");
        assertEquals(batchCallsBeforeCancel, release.calls("applyBatch").size(), "no batch started after it");
        assertEquals(ReleaseStatus.CANCELLED, release.status());
        assertEquals(1, release.calls("finishCancelled").size());
        assertNeverCalled("completeRelease");
        assertEquals("CANCELLED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        recordHistories("cancelled-fan-out");
    }

    @Test
    void lostCancelEndsAtTheWindowWithoutFanOut() {
        ReleaseTuning tuning = new ReleaseTuning(4, 2, 2, 50, 5_000, Duration.ofDays(1));
        Instant windowStart = START.plus(Duration.ofHours(2));
        startWorker(ReleaseStatus.SCHEDULED);
        release.addInstances(10);

        start(scheduled(windowStart, tuning), ReleaseStatus.SCHEDULED);
        testEnv.sleep(Duration.ofMinutes(30));
        release.supersede();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.SUPERSEDED, 0, 0), result);
        assertOpensAt(windowStart, single("openRelease"));
        assertNeverCalled("partition", "applyBatch", "completeRelease", "finishCancelled");
        assertTrue(release.ledger().isEmpty());
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, status());
        assertEquals("SUPERSEDED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
    }

    @Test
    void windowAcrossDaylightSavingChangeOpensAtTheGivenInstant() {
        Instant windowStart = LocalDate.of(2027, 3, 28)
                .atStartOfDay(ZoneId.of("Europe/Berlin"))
                .toInstant();
        assertEquals(Instant.parse("2027-03-27T23:00:00Z"), windowStart, "midnight is still CET that night");
        ReleaseTuning tuning = new ReleaseTuning(4, 2, 2, 50, 5_000, Duration.ofDays(1));
        startWorker(ReleaseStatus.SCHEDULED);
        release.addInstances(5);

        start(scheduled(windowStart, tuning), ReleaseStatus.SCHEDULED);
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 5, 0), result);
        assertOpensAt(windowStart, single("openRelease"));
        assertTrue(release.ledger().values().stream()
                .allMatch(entry -> entry.mode() == ApplyMode.AUTOMATIC && entry.at() >= windowStart.toEpochMilli()));
    }

    @Test
    void instanceThatCannotTakeTheReleaseCountsFailed() {
        ReleaseTuning tuning = new ReleaseTuning(4, 2, 2, 50, 5_000, HOUR);
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> instances = release.addInstances(10);
        UUID missingValue = release.addInstanceThatCannotTakeIt();
        UUID alsoMissing = release.addInstanceThatCannotTakeIt();
        instances.addAll(release.addInstances(10));

        start(immediate(tuning), ReleaseStatus.IN_PROGRESS);
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 20, 2), result);
        assertEquals(ReleaseStatus.RELEASED, release.status());
        Map<UUID, LedgerEntry> ledger = release.ledger();
        assertEquals(Outcome.FAILED, ledger.get(missingValue).outcome());
        assertEquals(Outcome.FAILED, ledger.get(alsoMissing).outcome());
        for (UUID instance : instances) {
            assertEquals(Outcome.APPLIED, ledger.get(instance).outcome());
        }
        assertEquals(1, release.calls("completeRelease").size());
        recordHistories("failing-instance");
    }

    @Test
    void tenThousandManualAppliesInOneTestingPeriod() throws Exception {
        ReleaseTuning tuning = new ReleaseTuning(500, 5, 4, 500, 5_000, HOUR);
        startWorker(ReleaseStatus.SCHEDULED);
        List<UUID> manual = release.addInstances(10_000);
        List<UUID> automatic = release.addInstances(10);

        start(scheduled(START.plus(Duration.ofDays(2)), tuning), ReleaseStatus.SCHEDULED);
        ReleaseWorkflow workflow = client.newWorkflowStub(ReleaseWorkflow.class, WORKFLOW_ID);
        ExecutorService signallers = Executors.newFixedThreadPool(8);
        try {
            for (int burst = 0; burst < 40; burst++) {
                List<Future<?>> sent = new ArrayList<>();
                for (UUID instance : manual.subList(burst * 250, (burst + 1) * 250)) {
                    release.requestApply(instance);
                    sent.add(signallers.submit(() -> workflow.manualApplyRequested(new ManualApplySignal(instance))));
                }
                for (Future<?> signal : sent) {
                    signal.get();
                }
                testEnv.sleep(Duration.ofMinutes(30));
            }
        } finally {
            signallers.shutdown();
        }
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 10_010, 0), result);
        Map<UUID, LedgerEntry> ledger = release.ledger();
        for (UUID instance : manual) {
            assertEquals(ApplyMode.MANUAL, ledger.get(instance).mode(), "no manual apply lost");
        }
        for (UUID instance : automatic) {
            assertEquals(ApplyMode.AUTOMATIC, ledger.get(instance).mode());
        }
        int sweeps = release.calls("applyRequested").size();
        assertTrue(sweeps < 1_000, "signals are handled in batches, not one by one: " + sweeps);
        List<WorkflowExecutionHistory> runs = runs();
        assertTrue(runs.size() >= 2, "continued as new: " + runs.size() + " runs");
        for (WorkflowExecutionHistory run : runs) {
            assertTrue(
                    run.getEvents().size() < 10_000,
                    "a run's history: " + run.getEvents().size());
        }
        assertEquals("RELEASED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        assertEquals(PACK_ID.toString(), searchAttributes().get(ReleaseSearchAttributes.PACK_ID));
    }

    @Test
    void continuesAsNewInTestingPeriodAndFanOutWithCursorsCarried() {
        ReleaseTuning tuning = new ReleaseTuning(3, 1, 3, 10, 500, HOUR);
        Instant windowStart = START.plus(Duration.ofDays(2));
        startWorker(ReleaseStatus.SCHEDULED);
        List<UUID> instances = release.addInstances(600);
        List<UUID> manual = instances.subList(0, 150);

        start(scheduled(windowStart, tuning), ReleaseStatus.SCHEDULED);
        for (int burst = 0; burst < 15; burst++) {
            manual.subList(burst * 10, (burst + 1) * 10).forEach(this::requestAndSignal);
            testEnv.sleep(Duration.ofHours(2));
        }
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 600, 0), result);
        Map<UUID, LedgerEntry> ledger = release.ledger();
        assertEquals(600, ledger.size());
        for (UUID instance : instances) {
            assertEquals(
                    manual.contains(instance) ? ApplyMode.MANUAL : ApplyMode.AUTOMATIC,
                    ledger.get(instance).mode());
            assertEquals(1, release.visits(instance), "a carried cursor never rereads an instance");
        }
        assertEquals(1, release.calls("partition").size(), "lanes are carried, not partitioned again");
        assertEquals(1, release.calls("openRelease").size());
        assertEquals(1, release.calls("completeRelease").size());
        List<WorkflowExecutionHistory> runs = runs();
        List<ReleaseCarryOver> carried =
                runs.stream().map(ReleaseWorkflowTest::carryOver).toList();
        assertEquals(null, carried.get(0));
        for (int run = 1; run < runs.size(); run++) {
            assertEquals(run, carried.get(run).runs());
            assertTrue(carried.get(run).requestsQueued());
        }
        assertTrue(carried.stream().anyMatch(c -> c != null && c.phase() == ReleaseCarryOver.Phase.TESTING_PERIOD));
        assertTrue(carried.stream()
                .anyMatch(c -> c != null
                        && c.phase() == ReleaseCarryOver.Phase.FAN_OUT
                        && c.lanes().size() == 3
                        && c.lanes().stream().anyMatch(lane -> lane.after() != null && !lane.done())));
        for (WorkflowExecutionHistory run : runs) {
            assertTrue(
                    run.getEvents().size() <= 600,
                    "a run stops soon after 500 events: " + run.getEvents().size());
        }
        assertEquals("RELEASED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        assertEquals(PACK_ID.toString(), searchAttributes().get(ReleaseSearchAttributes.PACK_ID));
        recordHistories("continue-as-new");
    }

    @Test
    void requestsQueuedBeforeTheWorkflowStartedAreApplied() {
        ReleaseTuning tuning = new ReleaseTuning(4, 2, 2, 50, 5_000, HOUR);
        startWorker(ReleaseStatus.SCHEDULED);
        List<UUID> instances = release.addInstances(5);
        List<UUID> queued = instances.subList(0, 3);
        queued.forEach(release::requestApply);

        start(scheduled(START.plus(Duration.ofDays(1)), tuning), ReleaseStatus.SCHEDULED);
        eventually(() -> release.ledger().size() == 3);

        assertEquals(1, release.calls("applyRequested").size());
        for (UUID instance : queued) {
            assertEquals(ApplyMode.MANUAL, release.ledger().get(instance).mode());
            assertTrue(release.ledger().get(instance).at()
                    < START.plus(Duration.ofMinutes(1)).toEpochMilli());
        }
        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 5, 0), result());
        assertEquals(2, count(release.ledger(), ApplyMode.AUTOMATIC));
    }

    @Test
    void requestWhoseSignalWasLostIsAppliedByTheSweep() {
        Duration sweep = HOUR;
        ReleaseTuning tuning = new ReleaseTuning(4, 2, 2, 50, 5_000, sweep);
        Instant windowStart = START.plus(Duration.ofDays(1));
        startWorker(ReleaseStatus.SCHEDULED);
        UUID instance = release.addInstances(1).get(0);

        start(scheduled(windowStart, tuning), ReleaseStatus.SCHEDULED);
        eventually(() -> release.calls("applyRequested").size() == 1);
        long requestedAt = testEnv.currentTimeMillis();
        release.requestApply(instance);
        testEnv.sleep(sweep.plusMinutes(1));
        eventually(() -> release.ledger().containsKey(instance));

        LedgerEntry entry = release.ledger().get(instance);
        assertEquals(ApplyMode.MANUAL, entry.mode());
        assertTrue(
                entry.at() <= requestedAt + sweep.plusMinutes(1).toMillis(),
                "applied within the sweep interval: " + Duration.ofMillis(entry.at() - requestedAt));
        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 1, 0), result());
    }

    // ---- helpers

    private void startWorker(ReleaseStatus status) {
        release = new FakeReleaseActivities(RELEASE_ID, status, testEnv::currentTimeMillis);
        Worker worker = testEnv.newWorker(TaskQueues.RELEASES);
        worker.registerWorkflowImplementationTypes(ReleaseWorkflowImpl.class);
        worker.registerActivitiesImplementations(release);
        testEnv.start();
    }

    private static ReleaseWorkflowInput immediate(ReleaseTuning tuning) {
        return new ReleaseWorkflowInput(
                RELEASE_ID, PACK_ID, PARTNER_ID, RELEASE_NUMBER, ReleaseSchedule.IMMEDIATELY, null, null, tuning, null);
    }

    private static ReleaseWorkflowInput scheduled(Instant windowStart, ReleaseTuning tuning) {
        return new ReleaseWorkflowInput(
                RELEASE_ID,
                PACK_ID,
                PARTNER_ID,
                RELEASE_NUMBER,
                ReleaseSchedule.RELEASE_ON_SPECIFIED_DATE,
                windowStart,
                windowStart.plus(HOUR),
                tuning,
                null);
    }

    /** As {@code ReleaseWorkflowStarter} starts it: fixed id, task queue, typed search attributes. */
    private void start(ReleaseWorkflowInput input, ReleaseStatus status) {
        SearchAttributes.Builder attributes = SearchAttributes.newBuilder()
                .set(ReleaseSearchAttributes.PACK_ID, input.integrationPackId().toString())
                .set(
                        ReleaseSearchAttributes.PARTNER_ACCOUNT_ID,
                        input.partnerAccountId().toString())
                .set(ReleaseSearchAttributes.RELEASE_NUMBER, (long) input.releaseNumber())
                .set(ReleaseSearchAttributes.SCHEDULE, input.schedule().name())
                .set(ReleaseSearchAttributes.STATUS, status.name());
        if (input.windowStart() != null) {
            attributes.set(
                    ReleaseSearchAttributes.WINDOW_START, input.windowStart().atOffset(ZoneOffset.UTC));
        }
        ReleaseWorkflow workflow = client.newWorkflowStub(
                ReleaseWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(WORKFLOW_ID)
                        .setTaskQueue(TaskQueues.RELEASES)
                        .setTypedSearchAttributes(attributes.build())
                        .setStaticSummary("Release " + input.releaseNumber() + " of a test pack")
                        .build());
        firstRun = WorkflowClient.start(workflow::run, input);
    }

    /** What the api does for a manual apply: the durable request first, then the wake-up. */
    private void requestAndSignal(UUID instance) {
        release.requestApply(instance);
        client.newWorkflowStub(ReleaseWorkflow.class, WORKFLOW_ID)
                .manualApplyRequested(new ManualApplySignal(instance));
    }

    private void cancel() {
        client.newUntypedWorkflowStub(WORKFLOW_ID).cancel();
    }

    private ReleaseWorkflowResult result() {
        return client.newUntypedWorkflowStub(WORKFLOW_ID).getResult(ReleaseWorkflowResult.class);
    }

    private void assertCancelled() {
        WorkflowFailedException failure = assertThrows(WorkflowFailedException.class, this::result);
        assertInstanceOf(CanceledFailure.class, failure.getCause());
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED, status());
    }

    private WorkflowExecutionStatus status() {
        return client.newUntypedWorkflowStub(WORKFLOW_ID).describe().getStatus();
    }

    private SearchAttributes searchAttributes() {
        return client.newUntypedWorkflowStub(WORKFLOW_ID).describe().getTypedSearchAttributes();
    }

    private String currentDetails() {
        WorkflowStub stub = client.newUntypedWorkflowStub(WORKFLOW_ID);
        return stub.query("__temporal_workflow_metadata", WorkflowMetadata.class)
                .getCurrentDetails();
    }

    private void assertNeverCalled(String... methods) {
        for (String method : methods) {
            assertTrue(release.calls(method).isEmpty(), method + " must not run: " + release.calls(method));
        }
    }

    private Call single(String method) {
        List<Call> calls = release.calls(method);
        assertEquals(1, calls.size(), method + ": " + calls);
        return calls.get(0);
    }

    /** The durable timer fired at the window, not before and not at some later wake-up. */
    private static void assertOpensAt(Instant windowStart, Call opened) {
        Instant at = Instant.ofEpochMilli(opened.at());
        assertFalse(at.isBefore(windowStart), "opened at " + at + ", before " + windowStart);
        assertTrue(at.isBefore(windowStart.plusSeconds(60)), "opened at " + at + ", long after " + windowStart);
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> inputs(String method) {
        return release.calls(method).stream().map(call -> (T) call.input()).toList();
    }

    private static long count(Map<UUID, LedgerEntry> ledger, ApplyMode mode) {
        return ledger.values().stream().filter(entry -> entry.mode() == mode).count();
    }

    private static Map<UUID, ApplyMode> modes(Map<UUID, LedgerEntry> ledger) {
        return ledger.values().stream().collect(Collectors.toMap(LedgerEntry::instanceId, LedgerEntry::mode));
    }
    /** Every run of the workflow, oldest first. */
    private List<WorkflowExecutionHistory> runs() {
        return RecordedHistories.runs(client, WORKFLOW_ID, firstRun.getRunId());
    }

    private static ReleaseCarryOver carryOver(WorkflowExecutionHistory run) {
        ReleaseWorkflowInput input = DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
                0,
                Optional.of(run.getEvents()
                        .get(0)
                        .getWorkflowExecutionStartedEventAttributes()
                        .getInput()),
                ReleaseWorkflowInput.class,
                ReleaseWorkflowInput.class);
        return input.carryOver();
    }

    /** The most activities of {@code type} scheduled and not yet closed at any point of a history. */
    private static int mostActivitiesOutstanding(WorkflowExecutionHistory history, String type) {
        Set<Long> open = new HashSet<>();
        int most = 0;
        for (HistoryEvent event : history.getEvents()) {
            switch (event.getEventType()) {
                case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
                    if (event.getActivityTaskScheduledEventAttributes()
                            .getActivityType()
                            .getName()
                            .equals(type)) {
                        open.add(event.getEventId());
                    }
                }
                case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
                    open.remove(event.getActivityTaskCompletedEventAttributes().getScheduledEventId());
                case EVENT_TYPE_ACTIVITY_TASK_FAILED ->
                    open.remove(event.getActivityTaskFailedEventAttributes().getScheduledEventId());
                case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT ->
                    open.remove(event.getActivityTaskTimedOutEventAttributes().getScheduledEventId());
                case EVENT_TYPE_ACTIVITY_TASK_CANCELED ->
                    open.remove(event.getActivityTaskCanceledEventAttributes().getScheduledEventId());
                default -> {}
            }
            most = Math.max(most, open.size());
        }
        return most;
    }

    private static void eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within 30 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
    /** With {@code -Dpackwright.recordHistories=true}: the histories of this test's runs, for the replay test. */
    private void recordHistories(String name) {
        RecordedHistories.record("histories", name, this::runs);
    }
}
