package io.packwright.workflows.release;

import io.packwright.workflows.release.ReleaseActivities.ApplyBatchInput;
import io.packwright.workflows.release.ReleaseActivities.ApplyBatchResult;
import io.packwright.workflows.release.ReleaseActivities.ApplyRequestedInput;
import io.packwright.workflows.release.ReleaseActivities.ApplyRequestedResult;
import io.packwright.workflows.release.ReleaseActivities.CompleteReleaseInput;
import io.packwright.workflows.release.ReleaseActivities.FinishCancelledInput;
import io.packwright.workflows.release.ReleaseActivities.FinishCancelledResult;
import io.packwright.workflows.release.ReleaseActivities.OpenReleaseInput;
import io.packwright.workflows.release.ReleaseActivities.OpenReleaseResult;
import io.packwright.workflows.release.ReleaseActivities.PartitionInput;
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
 * <p>This is the first version. Any change to the commands it issues (activities, timers, search
 * attribute upserts, their order or their conditions) must go through {@code Workflow.getVersion},
 * so that running releases keep replaying; {@code ReleaseWorkflowReplayTest} replays the recorded
 * histories of this version.
 */
public class ReleaseWorkflowImpl implements ReleaseWorkflow {

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

    private ReleaseWorkflowInput input;
    private long applied;
    private long failed;
    private int runs;
    private String headline = "Starting";
    private final List<Lane> lanes = new ArrayList<>();
    private boolean continueAsNewDue;
    private ReleaseStatus laneStop;

    @Override
    public ReleaseWorkflowResult run(ReleaseWorkflowInput input) {
        this.input = input;
        ReleaseCarryOver carried = input.carryOver();
        if (carried != null) {
            applied = carried.applied();
            failed = carried.failed();
            runs = carried.runs();
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

    private ReleaseWorkflowResult release(ReleaseCarryOver carried) {
        boolean resumingFanOut = carried != null && carried.phase() == Phase.FAN_OUT;
        if (!resumingFanOut) {
            if (input.schedule() == ReleaseSchedule.RELEASE_ON_SPECIFIED_DATE) {
                testingPeriod();
            }
            headline = "Opening the release";
            describe();
            OpenReleaseResult opened =
                    activities("open the release").openRelease(new OpenReleaseInput(input.releaseId()));
            if (!opened.open()) {
                return end(opened.status());
            }
            recordStatus(opened.status());
        }
        return fanOut(resumingFanOut ? carried.lanes() : List.of());
    }

    private void testingPeriod() {
        ReleaseTuning tuning = input.tuning();
        long windowStart = input.windowStart().toEpochMilli();
        long sweepMillis = tuning.requestSweepInterval().toMillis();
        long nextSweep = Workflow.currentTimeMillis() + sweepMillis;
        headline = "Testing period until " + input.windowStart() + " (window start)";
        describe();
        while (true) {
            if (requestsQueued || Workflow.currentTimeMillis() >= nextSweep) {
                requestsQueued = false;
                ApplyRequestedResult result = activities(
                                "apply up to " + tuning.requestBatchSize() + " queued manual applies")
                        .applyRequested(new ApplyRequestedInput(input.releaseId(), tuning.requestBatchSize()));
                nextSweep = Workflow.currentTimeMillis() + sweepMillis;
                applied += result.applied();
                requestsQueued = requestsQueued || result.moreQueued();
                describe();
                if (result.status() != ReleaseStatus.SCHEDULED) {
                    return;
                }
            }
            long now = Workflow.currentTimeMillis();
            if (now >= windowStart) {
                return;
            }
            if (historyTooLong()) {
                continueAsNew(Phase.TESTING_PERIOD);
            }
            Workflow.await(Duration.ofMillis(Math.min(windowStart, nextSweep) - now), () -> requestsQueued);
        }
    }

    private ReleaseWorkflowResult fanOut(List<Lane> carriedLanes) {
        lanes.addAll(carriedLanes.isEmpty() ? partition() : carriedLanes);
        headline = "Applying to every instance (" + ApplyMode.fanOutOf(input.schedule()) + ")";
        describe();
        List<Promise<Void>> running = new ArrayList<>();
        for (int index = 0; index < lanes.size(); index++) {
            if (!lanes.get(index).done()) {
                running.add(Async.procedure(this::runLane, index));
            }
        }
        Promise.allOf(running).get();
        if (laneStop != null) {
            return end(laneStop);
        }
        if (lanes.stream().anyMatch(lane -> !lane.done())) {
            continueAsNew(Phase.FAN_OUT);
        }
        headline = "Completing the release";
        describe();
        return end(activities("complete the release")
                .completeRelease(new CompleteReleaseInput(input.releaseId()))
                .status());
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

    /** Runs in its own workflow thread; stops after its current call once any lane stops or a new run is due. */
    private void runLane(int index) {
        ReleaseTuning tuning = input.tuning();
        ApplyMode mode = ApplyMode.fanOutOf(input.schedule());
        while (!lanes.get(index).done() && laneStop == null && !continueAsNewDue) {
            Lane lane = lanes.get(index);
            String summary =
                    "lane " + (index + 1) + (lane.after() == null ? " from the start" : " after " + lane.after());
            ApplyBatchResult result = Workflow.newActivityStub(
                            ReleaseActivities.class,
                            BATCHES.toBuilder().setSummary(summary).build())
                    .applyBatch(new ApplyBatchInput(
                            input.releaseId(),
                            mode,
                            lane.after(),
                            lane.upTo(),
                            tuning.batchSize(),
                            tuning.batchesPerActivity()));
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

    /** Only called where no activity of this run is outstanding. */
    private void continueAsNew(Phase phase) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        headline = "Continuing as new (" + phase + ")";
        describe();
        ReleaseCarryOver next = new ReleaseCarryOver(phase, true, lanes, applied, failed, runs + 1);
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
                    headline = "Cancelled: " + finished.status()
                            + (finished.rowExists() ? "" : " (the release row no longer exists)");
                    describe();
                })
                .run();
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
                .append(failed)
                .append(" (this workflow's count; the release's progress is in PostgreSQL)");
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
