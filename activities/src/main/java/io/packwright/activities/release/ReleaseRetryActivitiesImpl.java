package io.packwright.activities.release;

import io.packwright.activities.store.release.FanOutBatch;
import io.packwright.activities.store.release.ReleaseFanOutStore;
import io.packwright.activities.store.release.ReleaseNotFoundException;
import io.packwright.workflows.release.ReleaseFailureType;
import io.packwright.workflows.release.ReleaseRetryActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.UUID;

/**
 * The retry activities over {@link ReleaseFanOutStore#retryBatch}: input checks, the clock,
 * heartbeats with the cursor, and a missing release or an impossible request as non-retryable
 * failures. Any other exception is transient and retried.
 */
@Singleton
public class ReleaseRetryActivitiesImpl implements ReleaseRetryActivities {

    private final ReleaseFanOutStore store;
    private final Clock clock;

    ReleaseRetryActivitiesImpl(ReleaseFanOutStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public RetryFailedResult retryFailed(RetryFailedInput input) {
        if (input == null || input.releaseId() == null || input.failedBefore() == null) {
            throw invalid("releaseId and failedBefore are required");
        }
        if (input.batchSize() < 1 || input.maxBatches() < 1) {
            throw invalid("batchSize and maxBatches must be positive, were " + input.batchSize() + " and "
                    + input.maxBatches());
        }
        UUID releaseId = input.releaseId();
        ActivityExecutionContext context = Activity.getExecutionContext();
        // a retried attempt resumes where the previous one got to
        RetryFailedResult progress = context.getHeartbeatDetails(RetryFailedResult.class)
                .orElse(new RetryFailedResult(null, input.after(), false, 0, 0));
        for (int batch = 0; batch < input.maxBatches(); batch++) {
            RetryFailedResult from = progress;
            FanOutBatch done;
            try {
                done = store.retryBatch(
                        releaseId, input.failedBefore(), from.after(), input.batchSize(), clock.instant());
            } catch (ReleaseNotFoundException e) {
                throw ApplicationFailure.newNonRetryableFailureWithCause(
                        "release " + releaseId + " does not exist", ReleaseFailureType.RELEASE_NOT_FOUND.name(), e);
            }
            if (!done.status().retriesFailed()) {
                return new RetryFailedResult(done.status(), from.after(), false, from.applied(), from.failed());
            }
            progress = new RetryFailedResult(
                    done.status(),
                    done.after(),
                    done.exhausted(),
                    from.applied() + done.applied(),
                    from.failed() + done.failed());
            context.heartbeat(progress);
            if (done.exhausted()) {
                break;
            }
        }
        return progress;
    }

    private static ApplicationFailure invalid(String message) {
        return ApplicationFailure.newNonRetryableFailure(message, ReleaseFailureType.INVALID_INPUT.name());
    }
}
