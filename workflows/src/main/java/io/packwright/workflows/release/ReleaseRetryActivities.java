package io.packwright.workflows.release;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.time.Instant;
import java.util.UUID;

/**
 * The retry workflow's work on PostgreSQL. Idempotent: a rerun after a crash or a retry retries only
 * ledger rows recorded before {@code failedBefore}, so it changes nothing that an earlier run already
 * did. A release that is no longer retriable is reported, not failed.
 */
@ActivityInterface
public interface ReleaseRetryActivities {

    /**
     * Applies the release again to the next instances (in id order, after {@code after}) whose
     * ledger row for it is {@code FAILED} and was recorded before {@code failedBefore}, in batches of
     * {@code batchSize} (one transaction each), at most {@code maxBatches}, heartbeating the cursor:
     * ledger {@code APPLIED} in mode {@code RETRY}, or {@code FAILED} again with the new reason, and
     * {@code attempts} one more either way. A batch that the release's status changed under is rolled
     * back. Does nothing for a release that is not {@link ReleaseStatus#retriesFailed() retriable}.
     */
    @ActivityMethod
    RetryFailedResult retryFailed(RetryFailedInput input);

    /**
     * @param releaseId the release
     * @param failedBefore only rows recorded before this instant are retried
     * @param after exclusive lower bound of instance ids; {@code null} from the start
     * @param batchSize instances per transaction
     * @param maxBatches the most batches in this call
     */
    record RetryFailedInput(UUID releaseId, Instant failedBefore, UUID after, int batchSize, int maxBatches) {}

    /**
     * @param status the release's status; the retry stops when it is not retriable
     * @param after the new cursor, unchanged when nothing was handled
     * @param done whether every failed instance was tried
     * @param applied instances that took the release in this call
     * @param failed instances that still could not take it in this call
     */
    record RetryFailedResult(ReleaseStatus status, UUID after, boolean done, long applied, long failed) {}
}
