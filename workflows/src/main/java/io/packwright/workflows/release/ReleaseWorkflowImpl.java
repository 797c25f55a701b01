package io.packwright.workflows.release;

import io.packwright.workflows.release.ReleaseActivities.ApplyBatchInput;
import io.packwright.workflows.release.ReleaseActivities.ApplyBatchResult;
import io.packwright.workflows.release.ReleaseActivities.ApplyRequestedInput;
import io.packwright.workflows.release.ReleaseActivities.ApplyRequestedResult;
import io.packwright.workflows.release.ReleaseActivities.CompleteReleaseInput;
import io.packwright.workflows.release.ReleaseActivities.ControlState;
import io.packwright.workflows.release.ReleaseActivities.FinishCancelledInput;
import io.packwright.workflows.release.ReleaseActivities.FinishCancelledResult;
import io.packwright.workflows.release.ReleaseActivities.OpenReleaseInput;
import io.packwright.workflows.release.ReleaseActivities.OpenReleaseResult;
import io.packwright.workflows.release.ReleaseActivities.PartitionInput;
import io.packwright.workflows.release.ReleaseActivities.ReleaseInput;
import io.packwright.workflows.release.ReleaseActivities.RevertInput;
import io.packwright.workflows.release.ReleaseActivities.RevertResult;
import io.packwright.workflows.release.ReleaseActivities.WaveInput;
import io.packwright.workflows.release.ReleaseActivities.WaveState;
import io.packwright.workflows.release.ReleaseCarryOver.Lane;
import io.packwright.workflows.release.ReleaseCarryOver.Phase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ContinueAsNewOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The release workflow. PostgreSQL holds the release and its per-instance ledger; this class only
 * orchestrates: the phase, the fan-out's lane cursors, whether manual applies may be queued, and
 * counters for the operator's view.
 *
 * <ul>
 *   <li>Testing period (scheduled releases): applies queued manual applies in batches whenever it
 *       is signalled, at the start of every run and every {@link ReleaseTuning#requestSweepInterval},
 *       and sleeps on a durable timer until {@code windowStart}.
 *   <li>Opening: {@link ReleaseActivities#openRelease}; a release that is no longer open ends the
 *       workflow with its status and nothing is applied.
 *   <li>Fan-out: {@link ReleaseTuning#lanes} disjoint instance-id ranges applied in parallel, one
 *       {@link ReleaseActivities#applyBatch} call per lane at a time, then {@link
 *       ReleaseActivities#completeRelease}.
 *   <li>Both the testing period and the fan-out continue as new once the history is longer than
 *       {@link ReleaseTuning#maxHistoryEvents}, carrying the phase, the lanes and the counters.
 *   <li>Cancellation stops everything and makes the release terminal with {@link
 *       ReleaseActivities#finishCancelled} in a detached scope; the execution ends cancelled.
 * </ul>
 *
 * <p>Release control came after the first version. Its changes of commands go through {@code
 * Workflow.getVersion} where they happen ({@link #RESCHEDULE}, {@link #REVERT}, {@link #PAUSE},
 * {@link #STAGED}), so that releases started before keep replaying and those still running take
 * the new paths from there on; {@code ReleaseWorkflowReplayTest} replays recorded histories of both.
 * Any further change to the commands it issues (activities, timers, search attribute upserts, their
 * order or their conditions) must do the same.
 */
public class ReleaseWorkflowImpl implements ReleaseWorkflow {

    /** Change id: the window moved by a reschedule (from results of applyRequested and openRelease). */
    static final String RESCHEDULE = "reschedule";

    /** Change id: a cancelled or aborted release puts back what it applied before it ends. */
    static final String REVERT = "revert-on-stop";

    /** Change id: a paused release waits to be resumed instead of ending. */
    static final String PAUSE = "pause";

    /** Change id: an opened release asks for its waves and, when staged, is applied wave by wave. */
    static final String STAGED = "staged-rollout";

    /**
     * How often a paused release looks at its row without having been signalled: a resume whose
     * signal was lost takes effect within this time.
     */
    static final Duration CONTROL_POLL = Duration.ofMinutes(1);

    /** Unlimited attempts: an outage of PostgreSQL delays a release, it must not fail it. */
    private static final RetryOptions RETRY = RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofMinutes(1))
            .setDoNotRetry(
                    Arrays.stream(ReleaseFailureType.values()).map(Enum::name).toArray(String[]::new))
            .build();

    /** Single statements on PostgreSQL. */
    private static final ActivityOptions QUICK = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RETRY)
            .build();

    /**
     * Up to {@link ReleaseTuning#batchesPerActivity} transactions, heartbeating after each; a worker
     * that dies mid-call is noticed after the heartbeat timeout, not after the whole call's time.
     */
    private static final ActivityOptions BATCHES = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(10))
            .setHeartbeatTimeout(Duration.ofSeconds(30))
            .setRetryOptions(RETRY)
            .build();

    /** Set by the signal and at the start of every run: signals may have been lost while no run existed. */
    private boolean requestsQueued = true;

    /** Set by {@link #controlChanged}: the release row may say something new. */
    private boolean controlPending;

    private ReleaseWorkflowInput input;
    private Instant windowStart;
    private long applied;
    private long failed;
    private long reverted;
    private int runs;
    private String headline = "Starting";
    private final List<Lane> lanes = new ArrayList<>();
    private boolean continueAsNewDue;
    private ReleaseStatus laneStop;
    private int waves;
    /** The wave being applied or soaked; {@code null} when the release is not staged. */
    private Integer wave;

    private boolean soaking;
    private Instant soakUntil;

    @Override
    public ReleaseWorkflowResult run(ReleaseWorkflowInput input) {
        this.input = input;
        windowStart = input.windowStart();
        ReleaseCarryOver carried = input.carryOver();
        if (carried != null) {
            applied = carried.applied();
            failed = carried.failed();
            runs = carried.runs();
            reverted = carried.reverted();
            waves = carried.waves();
            wave = carried.wave();
            soaking = carried.soaking();
            if (carried.windowStart() != null) {
                windowStart = carried.windowStart();
            }
        }
        try {
            return release(carried);
        } catch (TemporalFailure failure) {
            CanceledFailure canceled = cancellation(failure);
            if (canceled == null) {
                throw failure;
            }
            finishCancelled();
            throw canceled;
        }
    }

    @Override
    public void manualApplyRequested(ManualApplySignal signal) {
        requestsQueued = true;
    }

    @Override
    public void controlChanged() {
        controlPending = true;
    }

    private ReleaseWorkflowResult release(ReleaseCarryOver carried) {
        if (carried != null && carried.phase() == Phase.REVERTING) {
            revert(carried.stop(), carried.revertedUpTo());
            return end(carried.stop());
        }
        boolean resumingFanOut = carried != null && carried.phase() == Phase.FAN_OUT;
        if (!resumingFanOut) {
            OpenReleaseResult opened = open();
            if (!opened.open()) {
                return stopped(opened.status());
            }
            recordStatus(opened.status());
            waves = since(STAGED)
                    ? activities("plan the waves")
                            .planWaves(new ReleaseInput(input.releaseId()))
                            .waves()
                    : 0;
        }
        if (waves > 0) {
            return rollout(resumingFanOut ? carried.lanes() : List.of());
        }
        return fanOut(resumingFanOut ? carried.lanes() : List.of());
    }

    /**
     * The testing period of a scheduled release (until its window, as often as it is rescheduled),
     * then opening it.
     */
    private OpenReleaseResult open() {
        while (true) {
            if (input.schedule() == ReleaseSchedule.RELEASE_ON_SPECIFIED_DATE) {
                testingPeriod();
            }
            headline = "Opening the release";
            describe();
            OpenReleaseResult opened =
                    activities("open the release").openRelease(new OpenReleaseInput(input.releaseId()));
            if (!opened.open()
                    && opened.status() == ReleaseStatus.SCHEDULED
                    && opened.windowStart() != null
                    && since(RESCHEDULE)) {
                // rescheduled to a later window, and this workflow missed the signal
                windowStart = opened.windowStart();
                continue;
            }
            return opened;
        }
    }

    private void testingPeriod() {
        ReleaseTuning tuning = input.tuning();
        long sweepMillis = tuning.requestSweepInterval().toMillis();
        long nextSweep = Workflow.currentTimeMillis() + sweepMillis;
        headline = "Testing period until " + windowStart + " (window start)";
        describe();
        while (true) {
            if (requestsQueued || controlPending || Workflow.currentTimeMillis() >= nextSweep) {
                requestsQueued = false;
                controlPending = false;
                ApplyRequestedResult result = activities(
                                "apply up to " + tuning.requestBatchSize() + " queued manual applies")
                        .applyRequested(new ApplyRequestedInput(input.releaseId(), tuning.requestBatchSize()));
                nextSweep = Workflow.currentTimeMillis() + sweepMillis;
                applied += result.applied();
                requestsQueued = requestsQueued || result.moreQueued();
                if (result.windowStart() != null && !result.windowStart().equals(windowStart) && since(RESCHEDULE)) {
                    windowStart = result.windowStart();
                    headline = "Testing period until " + windowStart + " (window start, rescheduled)";
                }
                describe();
                if (result.status() != ReleaseStatus.SCHEDULED) {
                    return;
                }
            }
            long now = Workflow.currentTimeMillis();
            long start = windowStart.toEpochMilli();
            if (now >= start) {
                return;
            }
            if (historyTooLong()) {
                continueAsNew(Phase.TESTING_PERIOD);
            }
            Workflow.await(Duration.ofMillis(Math.min(start, nextSweep) - now), () -> requestsQueued || controlPending);
        }
    }

    private ReleaseWorkflowResult fanOut(List<Lane> carriedLanes) {
        lanes.addAll(carriedLanes.isEmpty() ? partition() : carriedLanes);
        while (true) {
            headline = "Applying to every instance (" + ApplyMode.fanOutOf(input.schedule()) + ")";
            describe();
            runLanes();
            if (laneStop == ReleaseStatus.PAUSED && since(PAUSE)) {
                ReleaseStatus resumed = awaitResume();
                if (resumed == ReleaseStatus.IN_PROGRESS) {
                    continue;
                }
                laneStop = resumed;
            }
            if (laneStop != null) {
                return stopped(laneStop);
            }
            if (lanes.stream().anyMatch(lane -> !lane.done())) {
                continueAsNew(Phase.FAN_OUT);
            }
            return complete();
        }
    }

    /**
     * A staged rollout: each wave is started, applied by the lanes to the instances of it and the
     * waves before it, ended (its failure gate may pause the release) and, but for the last, soaked.
     * A pause at any step waits for the resume and goes on from that step.
     */
    private ReleaseWorkflowResult rollout(List<Lane> carriedLanes) {
        lanes.addAll(carriedLanes.isEmpty() ? partition() : carriedLanes);
        if (wave == null) {
            wave = 0;
        }
        for (; wave < waves; wave++) {
            if (!soaking) {
                ReleaseStatus status;
                if (lanes.stream().allMatch(Lane::done)) {
                    // Lanes are reset before every wave and a run continues as new during a wave's
                    // fan-out only with a lane left to do: this run follows one that continued as new
                    // while this wave's failure gate (or a pause) held it after finishWave. The gate
                    // has spoken; asking it again would hold the wave again after its resume.
                    status = readControl().status();
                } else {
                    status = applyWave();
                    if (status != ReleaseStatus.IN_PROGRESS && status != ReleaseStatus.PAUSED) {
                        return stopped(status);
                    }
                }
                status = status == ReleaseStatus.PAUSED ? awaitResume() : status;
                if (status != ReleaseStatus.IN_PROGRESS) {
                    return stopped(status);
                }
                soaking = wave < waves - 1;
            }
            if (soaking) {
                ReleaseStatus status = soak();
                if (status != ReleaseStatus.IN_PROGRESS) {
                    return stopped(status);
                }
                activities("end the soak of wave " + (wave + 1)).endSoak(new WaveInput(input.releaseId(), wave));
                soaking = false;
                soakUntil = null;
            }
            resetLanes();
        }
        return complete();
    }

    /**
     * Starts the current wave, applies it with the lanes and ends it with {@link
     * ReleaseActivities#finishWave}, holding while the release is paused before its end.
     *
     * @return {@code IN_PROGRESS}, {@code PAUSED} when the wave's failure gate (or its partner) holds
     *     it after its end, else the status that stops the release
     */
    private ReleaseStatus applyWave() {
        ReleaseStatus status = holding(() -> activities("start wave " + (wave + 1))
                .startWave(new WaveInput(input.releaseId(), wave))
                .status());
        if (status != ReleaseStatus.IN_PROGRESS) {
            return status;
        }
        status = holding(() -> {
            headline = "Applying wave " + (wave + 1) + " of " + waves;
            describe();
            runLanes();
            if (laneStop == null && lanes.stream().anyMatch(lane -> !lane.done())) {
                continueAsNew(Phase.FAN_OUT);
            }
            return laneStop == null ? ReleaseStatus.IN_PROGRESS : laneStop;
        });
        if (status != ReleaseStatus.IN_PROGRESS) {
            return status;
        }
        WaveState finished = activities("end wave " + (wave + 1)).finishWave(new WaveInput(input.releaseId(), wave));
        soakUntil = finished.soakUntil();
        return finished.status();
    }

    /**
     * Soaks the current wave until its soak ends (a promote ends it at once), holding while the
     * release is paused.
     *
     * @return {@code IN_PROGRESS} when the soak is over, else the status that stops the release
     */
    private ReleaseStatus soak() {
        if (soakUntil == null) {
            ControlState state = readControl();
            if (state.status() != ReleaseStatus.IN_PROGRESS && state.status() != ReleaseStatus.PAUSED) {
                return state.status();
            }
            soakUntil = state.soakUntil();
            if (state.status() == ReleaseStatus.PAUSED) {
                controlPending = true;
            }
        }
        while (soakUntil != null) {
            long now = Workflow.currentTimeMillis();
            if (!controlPending) {
                if (now >= soakUntil.toEpochMilli()) {
                    return ReleaseStatus.IN_PROGRESS;
                }
                headline = "Soaking wave " + (wave + 1) + " of " + waves + " until " + soakUntil;
                describe();
                if (historyTooLong()) {
                    continueAsNew(Phase.FAN_OUT);
                }
                Workflow.await(Duration.ofMillis(soakUntil.toEpochMilli() - now), () -> controlPending);
            }
            if (controlPending) {
                controlPending = false;
                ControlState state = readControl();
                ReleaseStatus status = state.status() == ReleaseStatus.PAUSED ? awaitResume() : state.status();
                if (status != ReleaseStatus.IN_PROGRESS) {
                    return status;
                }
                soakUntil =
                        state.status() == ReleaseStatus.PAUSED ? readControl().soakUntil() : state.soakUntil();
            }
        }
        return ReleaseStatus.IN_PROGRESS;
    }

    /** Runs {@code step} again after every pause it meets, once resumed; returns what stopped it otherwise. */
    private ReleaseStatus holding(Supplier<ReleaseStatus> step) {
        while (true) {
            ReleaseStatus status = step.get();
            if (status != ReleaseStatus.PAUSED) {
                return status;
            }
            status = awaitResume();
            if (status != ReleaseStatus.IN_PROGRESS) {
                return status;
            }
        }
    }

    /**
     * Holds a paused release until its row says otherwise: woken by {@link #controlChanged} or
     * every {@link #CONTROL_POLL}.
     *
     * @return the status it left {@code PAUSED} for
     */
    private ReleaseStatus awaitResume() {
        recordStatus(ReleaseStatus.PAUSED);
        headline = "Paused" + (wave == null ? "" : " in wave " + (wave + 1) + " of " + waves)
                + "; waiting to be resumed or aborted";
        describe();
        while (true) {
            Workflow.await(CONTROL_POLL, () -> controlPending);
            controlPending = false;
            ReleaseStatus status = readControl().status();
            if (status != ReleaseStatus.PAUSED) {
                recordStatus(status);
                return status;
            }
            if (historyTooLong()) {
                continueAsNew(Phase.FAN_OUT);
            }
        }
    }

    private ControlState readControl() {
        return activities("read the release's control state").readControl(new ReleaseInput(input.releaseId()));
    }

    /**
     * Completes the release. A pause or an abort may land after the last batch and before this: a
     * paused release waits to be resumed and completes then, an aborted one puts back what it applied.
     */
    private ReleaseWorkflowResult complete() {
        while (true) {
            headline = "Completing the release";
            describe();
            ReleaseStatus status = activities("complete the release")
                    .completeRelease(new CompleteReleaseInput(input.releaseId()))
                    .status();
            if (status == ReleaseStatus.PAUSED && since(PAUSE)) {
                status = awaitResume();
                if (status == ReleaseStatus.IN_PROGRESS) {
                    continue;
                }
            }
            return stopped(status);
        }
    }

    /** The release stopped with {@code status}: a cancelled or aborted one puts back what it applied. */
    private ReleaseWorkflowResult stopped(ReleaseStatus status) {
        if (status.reverts() && since(REVERT)) {
            revert(status, null);
        }
        return end(status);
    }

    /**
     * The compensating step: every instance the release was applied to goes back to the release it
     * ran before, one activity call of up to {@link ReleaseTuning#batchesPerActivity} batches at a
     * time, continuing as new when the history is long.
     */
    private void revert(ReleaseStatus status, UUID after) {
        recordStatus(status);
        ReleaseTuning tuning = input.tuning();
        UUID cursor = after;
        while (true) {
            headline = status + ": putting back the instances it was applied to (" + reverted + " so far)";
            describe();
            RevertResult result = Workflow.newActivityStub(
                            ReleaseActivities.class,
                            BATCHES.toBuilder()
                                    .setSummary("revert after " + (cursor == null ? "the start" : cursor))
                                    .build())
                    .revert(new RevertInput(
                            input.releaseId(), cursor, tuning.batchSize(), tuning.batchesPerActivity()));
            reverted += result.reverted();
            cursor = result.after();
            if (result.done()) {
                return;
            }
            if (historyTooLong()) {
                continueAsNew(Phase.REVERTING, status, cursor);
            }
        }
    }

    private List<Lane> partition() {
        List<UUID> upperBounds = activities(
                        "partition into at most " + input.tuning().lanes() + " lanes")
                .partition(new PartitionInput(input.releaseId(), input.tuning().lanes()))
                .upperBounds();
        List<Lane> ranges = new ArrayList<>();
        UUID after = null;
        for (UUID upTo : upperBounds) {
            ranges.add(new Lane(after, upTo, false));
            after = upTo;
        }
        ranges.add(new Lane(after, null, false));
        return ranges;
    }

    /** The same ranges from their starts, for the next wave. */
    private void resetLanes() {
        UUID after = null;
        for (int index = 0; index < lanes.size(); index++) {
            UUID upTo = lanes.get(index).upTo();
            lanes.set(index, new Lane(after, upTo, false));
            after = upTo;
        }
    }

    /** Runs the lanes that are not done until each is done or stopped (then {@link #laneStop} says why). */
    private void runLanes() {
        laneStop = null;
        List<Promise<Void>> running = new ArrayList<>();
        for (int index = 0; index < lanes.size(); index++) {
            if (!lanes.get(index).done()) {
                running.add(Async.procedure(this::runLane, index));
            }
        }
        Promise.allOf(running).get();
    }

    /** Runs in its own workflow thread; stops after its current call once any lane stops or a new run is due. */
    private void runLane(int index) {
        ReleaseTuning tuning = input.tuning();
        ApplyMode mode = ApplyMode.fanOutOf(input.schedule());
        while (!lanes.get(index).done() && laneStop == null && !continueAsNewDue) {
            Lane lane = lanes.get(index);
            String summary = (wave == null ? "" : "wave " + (wave + 1) + ", ") + "lane " + (index + 1)
                    + (lane.after() == null ? " from the start" : " after " + lane.after());
            ApplyBatchResult result = Workflow.newActivityStub(
                            ReleaseActivities.class,
                            BATCHES.toBuilder().setSummary(summary).build())
                    .applyBatch(new ApplyBatchInput(
                            input.releaseId(),
                            mode,
                            lane.after(),
                            lane.upTo(),
                            tuning.batchSize(),
                            tuning.batchesPerActivity(),
                            wave));
            applied += result.applied();
            failed += result.failed();
            lanes.set(index, new Lane(result.after(), lane.upTo(), result.done()));
            if (result.status() != ReleaseStatus.IN_PROGRESS && laneStop == null) {
                laneStop = result.status();
            }
            continueAsNewDue = continueAsNewDue || historyTooLong();
            describe();
        }
    }

    private boolean historyTooLong() {
        WorkflowInfo info = Workflow.getInfo();
        return info.getHistoryLength() > input.tuning().maxHistoryEvents() || info.isContinueAsNewSuggested();
    }

    private void continueAsNew(Phase phase) {
        continueAsNew(phase, null, null);
    }

    /** Only called where no activity of this run is outstanding. */
    private void continueAsNew(Phase phase, ReleaseStatus stop, UUID revertedUpTo) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        headline = "Continuing as new (" + phase + ")";
        describe();
        ReleaseCarryOver next = new ReleaseCarryOver(
                phase,
                true,
                lanes,
                applied,
                failed,
                runs + 1,
                windowStart,
                waves,
                wave,
                soaking,
                stop,
                revertedUpTo,
                reverted);
        // Explicitly, so that the next run starts with the status upserted by this one.
        ContinueAsNewOptions options = ContinueAsNewOptions.newBuilder()
                .setTypedSearchAttributes(Workflow.getTypedSearchAttributes())
                .build();
        Workflow.continueAsNew(options, input.continuedWith(next));
    }

    private void finishCancelled() {
        Workflow.newDetachedCancellationScope(() -> {
                    headline = "Cancelled; making the release terminal";
                    describe();
                    FinishCancelledResult finished = activities("finish the cancelled release")
                            .finishCancelled(new FinishCancelledInput(input.releaseId()));
                    recordStatus(finished.status());
                    if (finished.rowExists() && finished.status().reverts() && since(REVERT)) {
                        revertWithoutContinuing(finished.status());
                    }
                    headline = "Cancelled: " + finished.status()
                            + (finished.rowExists() ? "" : " (the release row no longer exists)");
                    describe();
                })
                .run();
    }

    /** {@link #revert} for a cancelled execution, which cannot continue as new: all in this run. */
    private void revertWithoutContinuing(ReleaseStatus status) {
        ReleaseTuning tuning = input.tuning();
        UUID cursor = null;
        RevertResult result;
        do {
            result = Workflow.newActivityStub(ReleaseActivities.class, BATCHES)
                    .revert(new RevertInput(
                            input.releaseId(), cursor, tuning.batchSize(), tuning.batchesPerActivity()));
            reverted += result.reverted();
            cursor = result.after();
        } while (!result.done());
        headline = status + ": put back " + reverted + " instances";
    }

    private static boolean since(String change) {
        return Workflow.getVersion(change, Workflow.DEFAULT_VERSION, 1) == 1;
    }

    private static CanceledFailure cancellation(TemporalFailure failure) {
        if (!CancellationScope.current().isCancelRequested()) {
            return null;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CanceledFailure canceled) {
                return canceled;
            }
        }
        return null;
    }

    private ReleaseWorkflowResult end(ReleaseStatus status) {
        recordStatus(status);
        headline = "Ended: " + status;
        describe();
        return new ReleaseWorkflowResult(status, applied, failed);
    }

    private void recordStatus(ReleaseStatus status) {
        String current = Workflow.getTypedSearchAttributes().get(ReleaseSearchAttributes.STATUS);
        if (!status.name().equals(current)) {
            Workflow.upsertTypedSearchAttributes(ReleaseSearchAttributes.STATUS.valueSet(status.name()));
        }
    }

    private void describe() {
        StringBuilder details = new StringBuilder()
                .append("**")
                .append(headline)
                .append("**\n\nApplied ")
                .append(applied)
                .append(", failed ")
                .append(failed);
        if (reverted > 0) {
            details.append(", put back ").append(reverted);
        }
        details.append(" (this workflow's count; the release's progress is in PostgreSQL)");
        if (wave != null) {
            details.append("\n\nWave ").append(wave + 1).append(" of ").append(waves);
            if (soaking && soakUntil != null) {
                details.append(", soaking until ").append(soakUntil);
            }
        }
        if (!lanes.isEmpty()) {
            long done = lanes.stream().filter(Lane::done).count();
            details.append("\n\nLanes done: ").append(done).append(" of ").append(lanes.size());
            for (int index = 0; index < lanes.size(); index++) {
                Lane lane = lanes.get(index);
                details.append("\n- lane ").append(index + 1).append(": ");
                if (lane.done()) {
                    details.append("done");
                } else if (lane.after() == null) {
                    details.append("from the start");
                } else {
                    details.append("after `").append(lane.after()).append('`');
                }
            }
        }
        details.append("\n\nRun ")
                .append(runs + 1)
                .append(", updated ")
                .append(Instant.ofEpochMilli(Workflow.currentTimeMillis()));
        Workflow.setCurrentDetails(details.toString());
    }

    private static ReleaseActivities activities(String summary) {
        return Workflow.newActivityStub(
                ReleaseActivities.class, QUICK.toBuilder().setSummary(summary).build());
    }
}
