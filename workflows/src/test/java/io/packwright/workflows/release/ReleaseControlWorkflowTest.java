package io.packwright.workflows.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.packwright.workflows.RecordedHistories;
import io.packwright.workflows.TaskQueues;
import io.packwright.workflows.release.FakeReleaseActivities.Call;
import io.packwright.workflows.release.FakeReleaseActivities.LedgerEntry;
import io.packwright.workflows.release.FakeReleaseActivities.Outcome;
import io.packwright.workflows.release.FakeReleaseActivities.WaveStage;
import io.packwright.workflows.release.ReleaseActivities.ApplyBatchInput;
import io.packwright.workflows.release.ReleaseActivities.RevertInput;
import io.packwright.workflows.release.ReleaseActivities.WaveInput;
import io.packwright.workflows.release.ReleaseCarryOver.Lane;
import io.packwright.workflows.release.ReleaseCarryOver.Phase;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Release control against {@link FakeReleaseActivities} on Temporal's test server with time skipping:
 * reschedule, cancel, pause, resume, promote, abort and staged rollouts. A test changes the fake's
 * release row as the api does and then signals {@code controlChanged} (or does not: a lost signal),
 * and asserts what reached the model and when (test server time).
 *
 * <p>A paused workflow polls every minute for ever, so while one may be paused the tests wait with
 * bounded real-time waits ({@link #eventually}) and move time with {@code testEnv.sleep}; results
 * are awaited for at most a minute of real time ({@link #result}).
 *
 * <p>With {@code -Dpackwright.recordHistories=true} the tests that call {@link #recordHistories}
 * write their histories to {@code src/test/resources/histories} for {@link ReleaseWorkflowReplayTest}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReleaseControlWorkflowTest {

    private static final Instant START = Instant.parse("2027-03-20T12:00:00Z");
    private static final UUID RELEASE_ID = UUID.fromString("7e1ea5e0-0000-4000-8000-000000000011");
    private static final UUID PACK_ID = UUID.fromString("9ac0ffee-0000-4000-8000-000000000012");
    private static final UUID PARTNER_ID = UUID.fromString("0a47e700-0000-4000-8000-000000000013");
    private static final int RELEASE_NUMBER = 8;
    private static final String WORKFLOW_ID = ReleaseWorkflow.workflowId(PACK_ID, RELEASE_NUMBER);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final ReleaseTuning SMALL = new ReleaseTuning(2, 1, 2, 50, 5_000, HOUR);

    private TestWorkflowEnvironment testEnv;
    private WorkflowClient client;
    private FakeReleaseActivities release;
    private WorkflowExecution firstRun;

    @BeforeEach
    void startTestServer() {
        testEnv = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setInitialTime(START)
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
                        .setIdentity(ReleaseControlWorkflowTest.class.getSimpleName())
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

    // ---- staged rollouts

    @Test
    void stagedRolloutAppliesWaveByWaveWithASoakBetween() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> first = release.addInstances(4);
        List<UUID> second = release.addInstances(8);
        List<UUID> rest = release.addInstances(12);
        release.assignWave(first, 0);
        release.assignWave(second, 1);
        release.stage(3, 30, 50);

        start(immediate(SMALL), ReleaseStatus.IN_PROGRESS);
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 24, 0), result);
        assertEquals(
                List.of(
                        "planWaves",
                        "partition",
                        "startWave 0",
                        "finishWave 0",
                        "endSoak 0",
                        "startWave 1",
                        "finishWave 1",
                        "endSoak 1",
                        "startWave 2",
                        "finishWave 2",
                        "completeRelease"),
                controlSteps());
        for (int wave = 0; wave < 3; wave++) {
            Call started = waveCall("startWave", wave);
            Call finished = waveCall("finishWave", wave);
            for (Call batch : release.calls("applyBatch")) {
                if (((ApplyBatchInput) batch.input()).wave() == wave) {
                    assertTrue(started.sequence() < batch.sequence() && batch.sequence() < finished.sequence());
                }
            }
            if (wave < 2) {
                Call soaked = waveCall("endSoak", wave);
                assertBetween(finished.at() + Duration.ofMinutes(30).toMillis(), soaked.at(), MINUTE);
                assertTrue(waveCall("startWave", wave + 1).at() >= soaked.at());
            }
        }
        assertTrue(release.calls("applyBatch").stream()
                .allMatch(batch -> ((ApplyBatchInput) batch.input()).wave() != null));
        assertAppliedIn(first, 0);
        assertAppliedIn(second, 1);
        assertAppliedIn(rest, 2);
        long secondWaveStart = waveCall("startWave", 1).at();
        assertTrue(second.stream().allMatch(id -> release.ledger().get(id).at() >= secondWaveStart));
        assertTrue(release.waves().stream().allMatch(wave -> wave.stage() == WaveStage.DONE));
        assertEquals(
                List.of(4L, 8L, 12L),
                release.waves().stream().map(w -> w.instances()).toList());
        assertEquals("RELEASED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        recordHistories("staged-rollout");
    }

    @Test
    void failureGatePausesAfterAWaveAndResumeGoesOnWithItsSoak() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> first = release.addInstances(8);
        UUID broken = release.addInstanceThatCannotTakeIt();
        UUID alsoBroken = release.addInstanceThatCannotTakeIt();
        List<UUID> rest = release.addInstances(10);
        release.assignWave(first, 0);
        release.assignWave(List.of(broken, alsoBroken), 0);
        release.stage(2, 30, 10);

        start(immediate(SMALL), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.status() == ReleaseStatus.PAUSED);
        Call gate = waveCall("finishWave", 0);
        assertTrue(release.pausedReason().contains("Failure gate: 2 of the 10"), release.pausedReason());
        assertEquals(Outcome.FAILED, release.ledger().get(broken).outcome());
        testEnv.sleep(Duration.ofMinutes(10));

        assertEquals(1, release.calls("startWave").size(), "held after wave 1");
        assertEquals("PAUSED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        assertTrue(release.calls("readControl").size() >= 9, "polls every minute while paused");
        assertTrue(rest.stream().noneMatch(release.ledger()::containsKey));
        release.resume();
        signalControl();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 18, 2), result);
        assertBetween(
                gate.at() + Duration.ofMinutes(30).toMillis(),
                waveCall("endSoak", 0).at(),
                MINUTE);
        assertEquals(
                List.of(
                        "planWaves",
                        "partition",
                        "startWave 0",
                        "finishWave 0",
                        "endSoak 0",
                        "startWave 1",
                        "finishWave 1",
                        "completeRelease"),
                controlSteps());
        assertAppliedIn(rest, 1);
        assertEquals("RELEASED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        recordHistories("staged-gate-pause-resume");
    }

    @Test
    void gatePauseOutlastingARunHoldsTheWaveOnlyOnce() {
        ReleaseTuning tuning = new ReleaseTuning(2, 1, 2, 50, 500, HOUR);
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> first = release.addInstances(4);
        release.assignWave(first, 0);
        release.assignWave(List.of(release.addInstanceThatCannotTakeIt()), 0);
        release.addInstances(4);
        release.addInstanceThatCannotTakeIt();
        release.stage(2, 30, 10);

        start(immediate(tuning), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.status() == ReleaseStatus.PAUSED);
        testEnv.sleep(Duration.ofHours(3));
        eventually(() -> runs().size() >= 3);
        release.resume();
        signalControl();
        eventually(() -> release.calls("finishWave").size() == 2 && release.status() == ReleaseStatus.PAUSED);
        testEnv.sleep(Duration.ofHours(3));
        int runsPaused = runs().size();
        release.resume();
        signalControl();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 8, 2), result);
        assertEquals(
                List.of(
                        "planWaves",
                        "partition",
                        "startWave 0",
                        "finishWave 0",
                        "endSoak 0",
                        "startWave 1",
                        "finishWave 1",
                        "completeRelease"),
                controlSteps(),
                "each wave started and gated once, however many runs its pause took");
        assertTrue(runsPaused >= 5, "continued as new while paused: " + runsPaused);
        assertTrue(carryOvers().stream()
                .anyMatch(c -> c != null
                        && c.phase() == Phase.FAN_OUT
                        && Integer.valueOf(0).equals(c.wave())
                        && c.lanes().stream().allMatch(Lane::done)));
    }

    @Test
    void pauseDuringAWaveHoldsItsLanesAndResumeGoesOnFromTheirCursors() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> first = release.addInstances(20);
        List<UUID> rest = release.addInstances(20);
        release.assignWave(first, 0);
        release.stage(2, 0, 100);
        release.onCall("applyBatch", input -> Integer.valueOf(1).equals(((ApplyBatchInput) input).wave()), 5, () -> {
            release.pause();
            signalControl();
        });

        start(immediate(SMALL), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.status() == ReleaseStatus.PAUSED
                && !release.calls("readControl").isEmpty());
        testEnv.sleep(Duration.ofMinutes(20));
        int batches = release.calls("applyBatch").size();
        long appliedWhilePaused = release.ledger().size();
        testEnv.sleep(Duration.ofMinutes(20));

        assertEquals(batches, release.calls("applyBatch").size(), "no batch while paused");
        assertEquals(appliedWhilePaused, release.ledger().size());
        assertTrue(appliedWhilePaused < 40, "paused in the middle of the last wave: " + appliedWhilePaused);
        assertEquals("PAUSED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        release.resume();
        signalControl();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 40, 0), result);
        for (UUID instance : first) {
            assertEquals(2, release.visits(instance), "read by wave 1 and by the last wave, each once");
        }
        for (UUID instance : rest) {
            assertEquals(1, release.visits(instance), "the lanes went on from their cursors");
        }
        assertAppliedIn(first, 0);
        assertAppliedIn(rest, 1);
        assertEquals(
                1,
                release.calls("finishWave").stream().filter(c -> waveOf(c) == 1).count());
    }

    @Test
    void pauseDuringASoakHoldsTheNextWaveUntilResumed() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        release.assignWave(release.addInstances(5), 0);
        release.addInstances(5);
        release.stage(2, 60, 100);

        start(immediate(SMALL), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.calls("finishWave").size() == 1);
        testEnv.sleep(Duration.ofMinutes(10));
        release.pause();
        signalControl();
        testEnv.sleep(Duration.ofHours(2));

        assertNeverCalled("endSoak");
        assertEquals(1, release.calls("startWave").size());
        assertEquals("PAUSED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        long resumedAt = testEnv.currentTimeMillis();
        release.resume();
        signalControl();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 10, 0), result);
        assertBetween(resumedAt, waveCall("endSoak", 0).at(), MINUTE);
        assertTrue(waveCall("startWave", 1).at() >= resumedAt);
    }

    @Test
    void pausedDuringASoakWithoutSignalHoldsTheNextWaveWhenItStarts() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        release.assignWave(release.addInstances(5), 0);
        List<UUID> rest = release.addInstances(5);
        release.stage(2, 60, 100);

        start(immediate(SMALL), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.calls("finishWave").size() == 1);
        release.pause();
        testEnv.sleep(Duration.ofHours(2));
        // the soak's timer fired inside the sleep; the second wave's activity may still be running
        eventually(() -> release.calls("startWave").size() >= 2);

        assertEquals(2, release.calls("startWave").size(), "the second wave answered PAUSED");
        assertTrue(rest.stream().noneMatch(release.ledger()::containsKey));
        release.resume();
        signalControl();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 10, 0), result);
        assertEquals(
                List.of(0, 1, 1),
                release.calls("startWave").stream().map(c -> waveOf(c)).toList());
        assertAppliedIn(rest, 1);
    }

    @Test
    void promoteEndsTheSoakAtOnce() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        release.assignWave(release.addInstances(5), 0);
        release.assignWave(release.addInstances(5), 1);
        release.addInstances(5);
        release.stage(3, 1440, 100);

        start(immediate(SMALL), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.calls("finishWave").size() == 1);
        testEnv.sleep(Duration.ofMinutes(10));
        long promotedAt = testEnv.currentTimeMillis();
        release.promote();
        signalControl();
        eventually(() -> release.calls("startWave").size() == 2);

        assertBetween(promotedAt, waveCall("endSoak", 0).at(), MINUTE);
        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 15, 0), result());
        assertBetween(
                waveCall("finishWave", 1).at() + Duration.ofDays(1).toMillis(),
                waveCall("endSoak", 1).at(),
                MINUTE);
    }

    @Test
    void continuesAsNewDuringASoakAndKeepsItsEnd() {
        ReleaseTuning tuning = new ReleaseTuning(2, 1, 2, 50, 500, HOUR);
        startWorker(ReleaseStatus.IN_PROGRESS);
        release.assignWave(release.addInstances(5), 0);
        release.addInstances(5);
        release.stage(2, 1440, 100);

        start(immediate(tuning), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.calls("finishWave").size() == 1);
        long soakEnds = release.waves().get(0).soakUntil().toEpochMilli();
        for (int signal = 0; signal < 100 && runs().size() < 2; signal++) {
            testEnv.sleep(MINUTE);
            signalControl();
        }
        assertEquals(2, runs().size(), "each signal during the soak reads the control state");
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 10, 0), result);
        assertBetween(soakEnds, waveCall("endSoak", 0).at(), MINUTE);
        assertEquals(
                List.of(
                        "planWaves",
                        "partition",
                        "startWave 0",
                        "finishWave 0",
                        "endSoak 0",
                        "startWave 1",
                        "finishWave 1",
                        "completeRelease"),
                controlSteps());
        assertTrue(carryOvers().stream()
                .anyMatch(c -> c != null
                        && c.phase() == Phase.FAN_OUT
                        && c.soaking()
                        && Integer.valueOf(0).equals(c.wave())
                        && c.waves() == 2));
        for (WorkflowExecutionHistory run : runs()) {
            assertTrue(
                    run.getEvents().size() <= 600, "a run: " + run.getEvents().size());
        }
    }

    // ---- abort

    @Test
    void abortDuringASoakPutsBackWhatTheWaveApplied() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> first = release.addInstances(6);
        List<UUID> rest = release.addInstances(6);
        release.assignWave(first, 0);
        release.stage(2, 60, 100);

        start(immediate(SMALL), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.calls("finishWave").size() == 1);
        testEnv.sleep(Duration.ofMinutes(5));
        release.abort();
        signalControl();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.ABORTED, 6, 0), result);
        assertRevertedOnce(first);
        assertTrue(rest.stream().noneMatch(release.ledger()::containsKey));
        assertEquals(1, release.calls("startWave").size());
        assertNeverCalled("endSoak", "completeRelease", "finishCancelled");
        assertRevertedInBatches(6);
        assertEquals("ABORTED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        recordHistories("staged-abort-revert");
    }

    @Test
    void abortDuringASoakWithoutSignalStopsWhenTheNextWaveStarts() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> first = release.addInstances(4);
        List<UUID> rest = release.addInstances(4);
        release.assignWave(first, 0);
        release.stage(2, 60, 100);

        start(immediate(SMALL), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.calls("finishWave").size() == 1);
        release.abort();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.ABORTED, 4, 0), result);
        assertBetween(
                waveCall("finishWave", 0).at() + HOUR.toMillis(),
                waveCall("startWave", 1).at(),
                MINUTE);
        assertRevertedOnce(first);
        assertTrue(rest.stream().noneMatch(release.ledger()::containsKey));
        assertTrue(release.calls("applyBatch").stream()
                .noneMatch(call -> Integer.valueOf(1).equals(((ApplyBatchInput) call.input()).wave())));
    }

    @Test
    void abortDuringAWaveFanOutStopsItsLanesAndPutsBackBothWaves() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> first = release.addInstances(10);
        release.addInstances(20);
        release.assignWave(first, 0);
        release.stage(2, 0, 100);
        release.onCall("applyBatch", input -> Integer.valueOf(1).equals(((ApplyBatchInput) input).wave()), 4, () -> {
            release.abort();
            signalControl();
        });

        start(immediate(SMALL), ReleaseStatus.IN_PROGRESS);
        ReleaseWorkflowResult result = result();

        assertEquals(ReleaseStatus.ABORTED, result.status());
        List<UUID> applied = release.ledger().keySet().stream().toList();
        assertTrue(applied.containsAll(first));
        assertTrue(applied.size() > first.size() && applied.size() < 30, "stopped in wave 2: " + applied.size());
        assertEquals(applied.size(), result.applied());
        assertRevertedOnce(applied);
        assertTrue(release.calls("finishWave").stream().noneMatch(c -> waveOf(c) == 1));
        assertNeverCalled("completeRelease");
    }

    @Test
    void abortRightWhenAWaveCompletesStopsAtItsGate() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> first = release.addInstances(6);
        release.addInstances(6);
        release.assignWave(first, 0);
        release.stage(2, 60, 100);
        release.onCall("finishWave", 1, release::abort);

        start(immediate(SMALL), ReleaseStatus.IN_PROGRESS);
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.ABORTED, 6, 0), result);
        assertRevertedOnce(first);
        assertEquals(1, release.calls("startWave").size());
        assertNeverCalled("endSoak", "completeRelease");
    }

    @Test
    void abortRightWhenTheLastWaveCompletesStillPutsEverythingBack() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> first = release.addInstances(4);
        List<UUID> rest = release.addInstances(4);
        release.assignWave(first, 0);
        release.stage(2, 10, 100);
        release.onCall("completeRelease", 1, release::abort);

        start(immediate(SMALL), ReleaseStatus.IN_PROGRESS);
        ReleaseWorkflowResult result = result();

        assertEquals(ReleaseStatus.ABORTED, result.status());
        assertRevertedOnce(first);
        assertRevertedOnce(rest);
        assertEquals("ABORTED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
    }

    @Test
    void pauseRightBeforeCompletionWaitsForTheResume() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> instances = release.addInstances(8);
        release.onCall("completeRelease", 1, () -> {
            release.pause();
            signalControl();
        });

        start(immediate(SMALL), ReleaseStatus.IN_PROGRESS);
        eventually(() -> !release.calls("readControl").isEmpty());
        testEnv.sleep(Duration.ofMinutes(30));

        assertEquals(ReleaseStatus.PAUSED, release.status());
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, status(), "waits while paused");
        release.resume();
        signalControl();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 8, 0), result);
        assertEquals(2, release.calls("completeRelease").size());
        assertTrue(instances.stream().allMatch(release::onRelease));
    }

    @Test
    void abortWhilePausedPutsBackWhatTheFanOutApplied() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        release.addInstances(30);
        release.onCall("applyBatch", 5, () -> {
            release.pause();
            signalControl();
        });

        start(immediate(new ReleaseTuning(3, 1, 2, 50, 5_000, HOUR)), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.status() == ReleaseStatus.PAUSED
                && !release.calls("readControl").isEmpty());
        testEnv.sleep(Duration.ofMinutes(15));
        List<UUID> applied = release.ledger().keySet().stream().toList();
        release.abort();
        signalControl();
        ReleaseWorkflowResult result = result();

        assertEquals(ReleaseStatus.ABORTED, result.status());
        assertTrue(applied.size() > 0 && applied.size() < 30, "paused in the middle: " + applied.size());
        assertEquals(applied.size(), release.ledger().size(), "nothing applied after the pause");
        assertRevertedOnce(applied);
        assertNeverCalled("completeRelease", "startWave");
    }

    // ---- pause of an unstaged release

    @Test
    void lostResumeSignalIsHealedByTheMinutePoll() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        List<UUID> instances = release.addInstances(30);
        release.onCall("applyBatch", 5, () -> {
            release.pause();
            signalControl();
        });

        start(immediate(new ReleaseTuning(3, 1, 2, 50, 5_000, HOUR)), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.status() == ReleaseStatus.PAUSED
                && !release.calls("readControl").isEmpty());
        testEnv.sleep(Duration.ofMinutes(10));
        int batches = release.calls("applyBatch").size();
        long resumedAt = testEnv.currentTimeMillis();
        release.resume();
        testEnv.sleep(Duration.ofMinutes(2));
        eventually(() -> release.calls("applyBatch").size() > batches);

        Call next = release.calls("applyBatch").get(batches);
        assertBetween(resumedAt, next.at(), Duration.ofSeconds(61));
        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 30, 0), result());
        for (UUID instance : instances) {
            assertEquals(1, release.visits(instance), "resumed from the cursors");
        }
        assertNeverCalled("startWave", "revert");
    }

    @Test
    void workflowRestartedWhileThePartnerHoldsTheReleaseWaits() {
        startWorker(ReleaseStatus.PAUSED);
        release.addInstances(6);

        start(immediate(SMALL), ReleaseStatus.PAUSED);
        eventually(() -> !release.calls("applyBatch").isEmpty());
        testEnv.sleep(Duration.ofMinutes(30));

        assertTrue(release.calls("readControl").size() >= 29, "polls every minute");
        assertTrue(release.ledger().isEmpty());
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, status());
        release.resume();
        signalControl();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 6, 0), result());
        assertEquals(1, release.calls("openRelease").size());
    }

    // ---- cancel

    @Test
    void cancelDuringTheTestingPeriodPutsBackEachManualApplyOnce() {
        Instant windowStart = START.plus(Duration.ofDays(2));
        startWorker(ReleaseStatus.SCHEDULED);
        release.windowStart(windowStart);
        List<UUID> instances = release.addInstances(10);
        List<UUID> manual = instances.subList(0, 4);

        start(
                scheduled(windowStart, new ReleaseTuning(2, 1, 2, 3, 5_000, Duration.ofHours(6))),
                ReleaseStatus.SCHEDULED);
        testEnv.sleep(HOUR);
        manual.forEach(this::requestAndSignal);
        eventually(() -> release.ledger().keySet().containsAll(manual));
        testEnv.sleep(HOUR);
        UUID queuedAtTheCancel = instances.get(5);
        release.requestApply(queuedAtTheCancel);
        long cancelledAt = testEnv.currentTimeMillis();
        release.cancelRelease();
        signalControl();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.CANCELLED, 4, 0), result);
        assertRevertedOnce(manual);
        assertEquals(4, release.ledger().size(), "nothing applied after the cancel");
        assertFalse(release.ledger().containsKey(queuedAtTheCancel));
        for (Call revert : release.calls("revert")) {
            assertBetween(cancelledAt, revert.at(), MINUTE);
        }
        assertRevertedInBatches(4);
        assertNeverCalled("partition", "applyBatch", "completeRelease", "finishCancelled", "planWaves");
        assertEquals("CANCELLED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, status());
        recordHistories("cancelled-testing-period-revert");
    }

    @Test
    void cancelWhoseSignalWasLostIsFoundByTheNextSweep() {
        Instant windowStart = START.plus(Duration.ofDays(2));
        startWorker(ReleaseStatus.SCHEDULED);
        release.windowStart(windowStart);
        List<UUID> manual = release.addInstances(3);
        release.addInstances(3);

        start(scheduled(windowStart, new ReleaseTuning(2, 1, 2, 50, 5_000, HOUR)), ReleaseStatus.SCHEDULED);
        manual.forEach(this::requestAndSignal);
        eventually(() -> release.ledger().size() == 3);
        testEnv.sleep(Duration.ofMinutes(10));
        long cancelledAt = testEnv.currentTimeMillis();
        release.cancelRelease();
        ReleaseWorkflowResult result = result();

        assertEquals(ReleaseStatus.CANCELLED, result.status());
        assertRevertedOnce(manual);
        assertTrue(release.calls("revert").get(0).at()
                <= cancelledAt + HOUR.plus(MINUTE).toMillis());
        assertNeverCalled("applyBatch", "completeRelease");
    }

    @Test
    void temporalCancellationOfAnOpenReleasePutsBackWhatItApplied() {
        startWorker(ReleaseStatus.IN_PROGRESS);
        release.addInstances(100);
        release.holdBatchCallsAfter(6);

        start(immediate(new ReleaseTuning(5, 1, 2, 50, 5_000, HOUR)), ReleaseStatus.IN_PROGRESS);
        eventually(() -> release.batchesWaiting() == 2);
        List<UUID> applied = release.ledger().keySet().stream().toList();
        client.newUntypedWorkflowStub(WORKFLOW_ID).cancel();
        WorkflowFailedException failure = assertThrows(WorkflowFailedException.class, this::result);
        assertInstanceOf(CanceledFailure.class, failure.getCause());
        release.releaseHeldBatches();
        eventually(() -> release.batchesRunning() == 0);

        assertEquals(30, applied.size());
        assertEquals(ReleaseStatus.CANCELLED, release.status());
        assertRevertedOnce(applied);
        assertEquals(30, release.ledger().size());
        assertTrue(release.calls("finishCancelled").get(0).sequence()
                < release.calls("revert").get(0).sequence());
        assertNeverCalled("completeRelease");
        assertEquals("CANCELLED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
    }

    @Test
    void continuesAsNewDuringARevertWithItsCursor() {
        Instant windowStart = START.plus(Duration.ofDays(2));
        startWorker(ReleaseStatus.SCHEDULED);
        release.windowStart(windowStart);
        List<UUID> manual = release.addInstances(300);

        start(
                scheduled(windowStart, new ReleaseTuning(1, 1, 2, 100, 500, Duration.ofHours(6))),
                ReleaseStatus.SCHEDULED);
        manual.forEach(release::requestApply);
        signalManual(manual.get(0));
        eventually(() -> release.ledger().size() == 300);
        testEnv.sleep(HOUR);
        release.cancelRelease();
        signalControl();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.CANCELLED, 300, 0), result);
        assertRevertedOnce(manual);
        assertRevertedInBatches(300);
        List<ReleaseCarryOver> carried = carryOvers();
        assertTrue(carried.size() >= 3, "runs: " + carried.size());
        for (ReleaseCarryOver next : carried.subList(1, carried.size())) {
            assertEquals(Phase.REVERTING, next.phase());
            assertEquals(ReleaseStatus.CANCELLED, next.stop());
            assertNotNull(next.revertedUpTo());
            assertTrue(next.reverted() > 0 && next.reverted() < 300);
        }
        for (WorkflowExecutionHistory run : runs()) {
            assertTrue(
                    run.getEvents().size() <= 600, "a run: " + run.getEvents().size());
        }
        assertEquals("CANCELLED", searchAttributes().get(ReleaseSearchAttributes.STATUS));
        recordHistories("revert-continue-as-new");
    }

    // ---- reschedule

    @Test
    void rescheduledLaterOpensAtTheNewWindow() {
        Instant windowStart = START.plus(Duration.ofDays(1));
        Instant moved = windowStart.plus(Duration.ofDays(2));
        startWorker(ReleaseStatus.SCHEDULED);
        release.windowStart(windowStart);
        release.addInstances(6);

        start(
                scheduled(windowStart, new ReleaseTuning(2, 1, 2, 50, 5_000, Duration.ofDays(1))),
                ReleaseStatus.SCHEDULED);
        testEnv.sleep(HOUR);
        release.reschedule(moved);
        signalControl();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 6, 0), result);
        assertOpensAt(moved, single("openRelease"));
        assertTrue(release.ledger().values().stream().allMatch(e -> e.at() >= moved.toEpochMilli()));
        recordHistories("rescheduled-later");
    }

    @Test
    void rescheduledLaterWithoutSignalGoesBackToWaitingAtTheOldWindow() {
        Instant windowStart = START.plus(Duration.ofDays(1));
        Instant moved = windowStart.plus(Duration.ofDays(2));
        startWorker(ReleaseStatus.SCHEDULED);
        release.windowStart(windowStart);
        UUID manual = release.addInstances(6).get(0);

        start(
                scheduled(windowStart, new ReleaseTuning(2, 1, 2, 50, 5_000, Duration.ofDays(5))),
                ReleaseStatus.SCHEDULED);
        testEnv.sleep(HOUR);
        release.reschedule(moved);
        ReleaseWorkflow workflow = client.newWorkflowStub(ReleaseWorkflow.class, WORKFLOW_ID);
        testEnv.sleep(Duration.ofDays(1));
        release.requestApply(manual);
        workflow.manualApplyRequested(new ManualApplySignal(manual));
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 6, 0), result);
        List<Call> opens = release.calls("openRelease");
        assertEquals(2, opens.size(), "opened at the old window, found the new one, waited");
        assertOpensAt(windowStart, opens.get(0));
        assertOpensAt(moved, opens.get(1));
        assertEquals(ApplyMode.MANUAL, release.ledger().get(manual).mode(), "still in its testing period");
        assertTrue(release.ledger().values().stream()
                .filter(e -> e.mode() == ApplyMode.AUTOMATIC)
                .allMatch(e -> e.at() >= moved.toEpochMilli()));
    }

    @Test
    void rescheduledEarlierOpensAtTheNewWindow() {
        Instant windowStart = START.plus(Duration.ofDays(3));
        Instant moved = START.plus(Duration.ofDays(1));
        startWorker(ReleaseStatus.SCHEDULED);
        release.windowStart(windowStart);
        release.addInstances(6);

        start(
                scheduled(windowStart, new ReleaseTuning(2, 1, 2, 50, 5_000, Duration.ofDays(5))),
                ReleaseStatus.SCHEDULED);
        testEnv.sleep(HOUR);
        release.reschedule(moved);
        signalControl();
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 6, 0), result);
        assertOpensAt(moved, single("openRelease"));
    }

    @Test
    void rescheduledEarlierWithoutSignalIsFoundByTheNextSweep() {
        Instant windowStart = START.plus(Duration.ofDays(3));
        Instant moved = START.plus(Duration.ofDays(1));
        startWorker(ReleaseStatus.SCHEDULED);
        release.windowStart(windowStart);
        release.addInstances(6);

        start(
                scheduled(windowStart, new ReleaseTuning(2, 1, 2, 50, 5_000, Duration.ofHours(6))),
                ReleaseStatus.SCHEDULED);
        testEnv.sleep(HOUR);
        release.reschedule(moved);
        ReleaseWorkflowResult result = result();

        assertEquals(new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 6, 0), result);
        assertOpensAt(moved, single("openRelease"));
        assertTrue(release.calls("applyRequested").size() <= 6, "found by a sweep, not by polling");
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

    /** What the api does after it changed the release row. */
    private void signalControl() {
        client.newWorkflowStub(ReleaseWorkflow.class, WORKFLOW_ID).controlChanged();
    }

    private void signalManual(UUID instance) {
        client.newWorkflowStub(ReleaseWorkflow.class, WORKFLOW_ID)
                .manualApplyRequested(new ManualApplySignal(instance));
    }

    /** What the api does for a manual apply: the durable request first, then the wake-up. */
    private void requestAndSignal(UUID instance) {
        release.requestApply(instance);
        signalManual(instance);
    }

    /**
     * The result, skipping time, within a minute of real time: a workflow that is wrongly still
     * paused would otherwise poll for ever.
     */
    private ReleaseWorkflowResult result() {
        try {
            return client.newUntypedWorkflowStub(WORKFLOW_ID)
                    .getResult(60, TimeUnit.SECONDS, ReleaseWorkflowResult.class);
        } catch (TimeoutException e) {
            return fail("the workflow did not end: " + currentDetails());
        }
    }

    private String currentDetails() {
        return client.newUntypedWorkflowStub(WORKFLOW_ID)
                .query("__temporal_workflow_metadata", WorkflowMetadata.class)
                .getCurrentDetails();
    }

    private WorkflowExecutionStatus status() {
        return client.newUntypedWorkflowStub(WORKFLOW_ID).describe().getStatus();
    }

    private SearchAttributes searchAttributes() {
        return client.newUntypedWorkflowStub(WORKFLOW_ID).describe().getTypedSearchAttributes();
    }

    /** The control steps in the order they were called, wave steps with their wave. */
    private List<String> controlSteps() {
        return release.calls().stream()
                .filter(call -> List.of(
                                "planWaves", "partition", "startWave", "finishWave", "endSoak", "completeRelease")
                        .contains(call.method()))
                .map(call -> call.input() instanceof WaveInput wave ? call.method() + " " + wave.wave() : call.method())
                .toList();
    }

    private Call waveCall(String method, int wave) {
        List<Call> calls = release.calls(method).stream()
                .filter(call -> waveOf(call) == wave)
                .toList();
        assertEquals(1, calls.size(), method + " " + wave + ": " + calls);
        return calls.get(0);
    }

    private static int waveOf(Call call) {
        return ((WaveInput) call.input()).wave();
    }

    private Call single(String method) {
        List<Call> calls = release.calls(method);
        assertEquals(1, calls.size(), method + ": " + calls);
        return calls.get(0);
    }

    private void assertAppliedIn(List<UUID> instances, int wave) {
        Map<UUID, LedgerEntry> ledger = release.ledger();
        for (UUID instance : instances) {
            LedgerEntry entry = ledger.get(instance);
            assertNotNull(entry, "applied: " + instance);
            assertEquals(Outcome.APPLIED, entry.outcome());
            assertEquals(wave, entry.wave(), "applied by its wave");
        }
    }

    /** Each was put back exactly once and is off the release, its ledger row {@code REVERTED}. */
    private void assertRevertedOnce(List<UUID> instances) {
        Map<UUID, LedgerEntry> ledger = release.ledger();
        for (UUID instance : instances) {
            assertEquals(Outcome.REVERTED, ledger.get(instance).outcome(), "reverted: " + instance);
            assertNotNull(ledger.get(instance).revertedAt());
            assertEquals(1, release.reverts(instance));
            assertFalse(release.onRelease(instance));
        }
    }

    /** The revert walked the ledger with its cursor, in batches of the tuning's size. */
    private void assertRevertedInBatches(int applied) {
        List<RevertInput> reverts = release.calls("revert").stream()
                .map(call -> (RevertInput) call.input())
                .toList();
        assertNull(reverts.get(0).after(), "from the start");
        assertTrue(reverts.size()
                >= applied / (reverts.get(0).batchSize() * reverts.get(0).maxBatches()));
        assertEquals(
                reverts.size(),
                Stream.of(reverts.toArray()).distinct().count(),
                "each call goes on after the last one: " + reverts);
    }

    private void assertNeverCalled(String... methods) {
        for (String method : methods) {
            assertTrue(release.calls(method).isEmpty(), method + " must not run: " + release.calls(method));
        }
    }

    /** The durable timer fired at the window, not before and not at some later wake-up. */
    private static void assertOpensAt(Instant windowStart, Call opened) {
        Instant at = Instant.ofEpochMilli(opened.at());
        assertFalse(at.isBefore(windowStart), "opened at " + at + ", before " + windowStart);
        assertTrue(at.isBefore(windowStart.plusSeconds(60)), "opened at " + at + ", long after " + windowStart);
    }

    /** {@code at} is not before {@code from} and less than {@code within} after it. */
    private static void assertBetween(long from, long at, Duration within) {
        assertTrue(
                at >= from && at < from + within.toMillis(),
                Instant.ofEpochMilli(at) + " is not within " + within + " from " + Instant.ofEpochMilli(from));
    }

    /** Every run of the workflow, oldest first. */
    private List<WorkflowExecutionHistory> runs() {
        return RecordedHistories.runs(client, WORKFLOW_ID, firstRun.getRunId());
    }

    private List<ReleaseCarryOver> carryOvers() {
        return runs().stream().map(ReleaseControlWorkflowTest::carryOver).toList();
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
