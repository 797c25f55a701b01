package io.packwright.activities.release;

import io.packwright.activities.store.release.FanOutBatch;
import io.packwright.activities.store.release.ReleaseFanOutStore;
import io.packwright.activities.store.release.ReleaseNotFoundException;
import io.packwright.workflows.release.ApplyMode;
import io.packwright.workflows.release.ReleaseActivities;
import io.packwright.workflows.release.ReleaseFailureType;
import io.packwright.workflows.release.ReleaseStatus;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The release activities over {@link ReleaseFanOutStore}: input checks, the clock, heartbeats, and
 * the mapping of a missing release or an impossible request to non-retryable failures. Any other
 * exception (the database unreachable, a serialization failure) is transient and retried.
 */
@Singleton
public class ReleaseActivitiesImpl implements ReleaseActivities {

    private final ReleaseFanOutStore store;
    private final Clock clock;

    ReleaseActivitiesImpl(ReleaseFanOutStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public OpenReleaseResult openRelease(OpenReleaseInput input) {
        UUID releaseId = releaseId(input == null ? null : input.releaseId());
        return existing(releaseId, () -> store.openRelease(releaseId, clock.instant()));
    }

    @Override
    public ApplyRequestedResult applyRequested(ApplyRequestedInput input) {
        UUID releaseId = releaseId(input == null ? null : input.releaseId());
        if (input.limit() < 1) {
            throw invalid("limit must be positive, was " + input.limit());
        }
        return existing(releaseId, () -> store.applyRequested(releaseId, input.limit(), clock.instant()));
    }

    @Override
    public PartitionResult partition(PartitionInput input) {
        UUID releaseId = releaseId(input == null ? null : input.releaseId());
        if (input.lanes() < 1) {
            throw invalid("lanes must be positive, was " + input.lanes());
        }
        return existing(releaseId, () -> store.partition(releaseId, input.lanes()));
    }

    @Override
    public ApplyBatchResult applyBatch(ApplyBatchInput input) {
        UUID releaseId = releaseId(input == null ? null : input.releaseId());
        if (input.mode() != ApplyMode.IMMEDIATE && input.mode() != ApplyMode.AUTOMATIC) {
            throw invalid("the fan-out applies in mode IMMEDIATE or AUTOMATIC, not " + input.mode());
        }
        if (input.wave() != null && input.wave() < 0) {
            throw invalid("wave must not be negative, was " + input.wave());
        }
        if (input.batchSize() < 1 || input.maxBatches() < 1) {
            throw invalid("batchSize and maxBatches must be positive, were " + input.batchSize() + " and "
                    + input.maxBatches());
        }
        ActivityExecutionContext context = Activity.getExecutionContext();
        // a retried attempt resumes where the previous one got to instead of walking the lane again
        LaneProgress progress =
                context.getHeartbeatDetails(LaneProgress.class).orElse(new LaneProgress(input.after(), 0, 0));
        for (int batch = 0; batch < input.maxBatches(); batch++) {
            LaneProgress from = progress;
            FanOutBatch done = existing(
                    releaseId,
                    () -> store.applyBatch(
                            releaseId,
                            input.mode(),
                            from.after(),
                            input.upTo(),
                            input.batchSize(),
                            input.wave(),
                            clock.instant()));
            if (done.status() != ReleaseStatus.IN_PROGRESS) {
                return new ApplyBatchResult(done.status(), from.after(), false, from.applied(), from.failed());
            }
            progress = new LaneProgress(done.after(), from.applied() + done.applied(), from.failed() + done.failed());
            context.heartbeat(progress);
            if (done.exhausted()) {
                return new ApplyBatchResult(
                        ReleaseStatus.IN_PROGRESS, progress.after(), true, progress.applied(), progress.failed());
            }
        }
        return new ApplyBatchResult(
                ReleaseStatus.IN_PROGRESS, progress.after(), false, progress.applied(), progress.failed());
    }

    @Override
    public CompleteReleaseResult completeRelease(CompleteReleaseInput input) {
        UUID releaseId = releaseId(input == null ? null : input.releaseId());
        CompleteReleaseResult result = existing(releaseId, () -> store.completeRelease(releaseId, clock.instant()));
        if (result.status() == ReleaseStatus.SCHEDULED) {
            throw invalid("release " + releaseId + " is still SCHEDULED: it must be opened before it completes");
        }
        return result;
    }

    @Override
    public FinishCancelledResult finishCancelled(FinishCancelledInput input) {
        UUID releaseId = releaseId(input == null ? null : input.releaseId());
        return store.finishCancelled(releaseId, clock.instant());
    }

    @Override
    public ControlState readControl(ReleaseInput input) {
        UUID releaseId = releaseId(input == null ? null : input.releaseId());
        return existing(releaseId, () -> store.readControl(releaseId));
    }

    @Override
    public RevertResult revert(RevertInput input) {
        UUID releaseId = releaseId(input == null ? null : input.releaseId());
        if (input.batchSize() < 1 || input.maxBatches() < 1) {
            throw invalid("batchSize and maxBatches must be positive, were " + input.batchSize() + " and "
                    + input.maxBatches());
        }
        ActivityExecutionContext context = Activity.getExecutionContext();
        RevertResult progress =
                context.getHeartbeatDetails(RevertResult.class).orElse(new RevertResult(input.after(), false, 0));
        for (int batch = 0; batch < input.maxBatches(); batch++) {
            RevertResult from = progress;
            RevertResult done = existing(
                    releaseId, () -> store.revertBatch(releaseId, from.after(), input.batchSize(), clock.instant()));
            progress = new RevertResult(done.after(), done.done(), from.reverted() + done.reverted());
            context.heartbeat(progress);
            if (done.done()) {
                break;
            }
        }
        return progress;
    }

    @Override
    public WavePlan planWaves(ReleaseInput input) {
        UUID releaseId = releaseId(input == null ? null : input.releaseId());
        return existing(releaseId, () -> store.planWaves(releaseId));
    }

    @Override
    public WaveState startWave(WaveInput input) {
        UUID releaseId = wave(input);
        return existing(releaseId, () -> store.startWave(releaseId, input.wave(), clock.instant()));
    }

    @Override
    public WaveState finishWave(WaveInput input) {
        UUID releaseId = wave(input);
        return existing(releaseId, () -> store.finishWave(releaseId, input.wave(), clock.instant()));
    }

    @Override
    public WaveState endSoak(WaveInput input) {
        UUID releaseId = wave(input);
        return existing(releaseId, () -> store.endSoak(releaseId, input.wave(), clock.instant()));
    }

    private static UUID wave(WaveInput input) {
        UUID releaseId = releaseId(input == null ? null : input.releaseId());
        if (input.wave() < 0) {
            throw invalid("wave must not be negative, was " + input.wave());
        }
        return releaseId;
    }

    private static UUID releaseId(UUID releaseId) {
        if (releaseId == null) {
            throw invalid("releaseId is required");
        }
        return releaseId;
    }

    private static <T> T existing(UUID releaseId, Supplier<T> call) {
        try {
            return call.get();
        } catch (ReleaseNotFoundException e) {
            throw ApplicationFailure.newNonRetryableFailureWithCause(
                    "release " + releaseId + " does not exist", ReleaseFailureType.RELEASE_NOT_FOUND.name(), e);
        }
    }

    private static ApplicationFailure invalid(String message) {
        return ApplicationFailure.newNonRetryableFailure(message, ReleaseFailureType.INVALID_INPUT.name());
    }

    /**
     * The heartbeat details of {@link #applyBatch}: how far the lane got in this activity execution.
     *
     * @param after the lane's cursor after the last committed batch
     * @param applied instances applied so far by this execution, across its attempts
     * @param failed instances that could not take the release so far
     */
    record LaneProgress(UUID after, long applied, long failed) {}
}
