package io.packwright.workflows.release;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The release workflow's work on PostgreSQL. Every method is idempotent: rerunning it after a crash
 * or a retry changes nothing that the first run already did, because each change is guarded by the
 * release's status and by the per-instance ledger (one row per release and instance). A method that
 * finds its release no longer open reports it instead of failing, so that a lost cancellation still
 * stops the workflow.
 */
@ActivityInterface
public interface ReleaseActivities {

    /**
     * Makes the release current: {@code SCHEDULED → IN_PROGRESS} (an immediate release is already
     * {@code IN_PROGRESS}), sets it as its pack's current release unless a newer one is, records
     * {@code startedAt}.
     */
    @ActivityMethod
    OpenReleaseResult openRelease(OpenReleaseInput input);

    /**
     * Applies queued manual applies ({@code release_apply_requests}) of a {@code SCHEDULED} release,
     * oldest first, at most {@code limit}; each handled request row is removed. An instance that
     * cannot take the release (a required extension without value) is left unchanged and gets no
     * ledger row, so the window can still apply it once the account fixes its values.
     */
    @ActivityMethod
    ApplyRequestedResult applyRequested(ApplyRequestedInput input);

    /** Splits the pack's instances into at most {@code lanes} contiguous id ranges of similar size. */
    @ActivityMethod
    PartitionResult partition(PartitionInput input);

    /**
     * Applies an {@code IN_PROGRESS} release to the next instances of one lane, in id order, in
     * batches of {@code batchSize} (one transaction each), at most {@code maxBatches}, heartbeating
     * the cursor after each batch. Instances already on this release or with a ledger row are
     * skipped; one that cannot take it gets a {@code FAILED} ledger row with the reason.
     */
    @ActivityMethod
    ApplyBatchResult applyBatch(ApplyBatchInput input);

    /** {@code IN_PROGRESS → RELEASED}, records {@code completedAt}, drops leftover apply requests. */
    @ActivityMethod
    CompleteReleaseResult completeRelease(CompleteReleaseInput input);

    /**
     * The workflow was cancelled: makes sure the release is terminal. A release that the api already
     * ended ({@code SUPERSEDED} by a newer release, {@code CANCELLED} by deleting its pack) stays as it
     * is; one still open (cancelled from outside, e.g. in the Temporal UI) becomes {@code CANCELLED}.
     * A release row that no longer exists (its pack's clean-up removed it) is reported as such.
     */
    @ActivityMethod
    FinishCancelledResult finishCancelled(FinishCancelledInput input);

    /** @param releaseId the release */
    record OpenReleaseInput(UUID releaseId) {}

    /**
     * @param status the release's status after the call
     * @param open whether it is {@code IN_PROGRESS} and must be applied
     */
    record OpenReleaseResult(ReleaseStatus status, boolean open) {}

    /**
     * @param releaseId the release
     * @param limit the most requests to handle in this call
     */
    record ApplyRequestedInput(UUID releaseId, int limit) {}

    /**
     * @param status the release's status; requests are only applied while it is {@code SCHEDULED}
     * @param applied instances that got the release
     * @param rejected requests dropped because the instance cannot take the release (or is gone)
     * @param moreQueued whether requests remain after this call
     */
    record ApplyRequestedResult(ReleaseStatus status, int applied, int rejected, boolean moreQueued) {}

    /**
     * @param releaseId the release
     * @param lanes the most ranges wanted
     */
    record PartitionInput(UUID releaseId, int lanes) {}

    /**
     * @param upperBounds inclusive upper bounds of all ranges but the last, ascending; the last range
     *     is open-ended (instances installed later sort after every bound). Empty: one range.
     */
    record PartitionResult(List<UUID> upperBounds) {
        public PartitionResult {
            upperBounds = List.copyOf(upperBounds);
        }
    }

    /**
     * @param releaseId the release
     * @param mode {@code IMMEDIATE} or {@code AUTOMATIC}
     * @param after exclusive lower bound (the lane's cursor); {@code null} from the start
     * @param upTo inclusive upper bound of the lane; {@code null} for the open-ended last lane
     * @param batchSize instances per transaction
     * @param maxBatches the most batches in this call
     */
    record ApplyBatchInput(UUID releaseId, ApplyMode mode, UUID after, UUID upTo, int batchSize, int maxBatches) {}

    /**
     * @param status the release's status; the lane stops when it is no longer {@code IN_PROGRESS}
     * @param after the new cursor (the last instance id handled), unchanged when nothing was handled
     * @param done whether the lane is exhausted
     * @param applied instances that got the release in this call
     * @param failed instances that could not take it in this call
     */
    record ApplyBatchResult(ReleaseStatus status, UUID after, boolean done, long applied, long failed) {}

    /** @param releaseId the release */
    record CompleteReleaseInput(UUID releaseId) {}

    /**
     * @param status the release's status after the call ({@code RELEASED}, or the terminal status it
     *     already had)
     * @param completedAt when it was completed
     */
    record CompleteReleaseResult(ReleaseStatus status, Instant completedAt) {}

    /** @param releaseId the release */
    record FinishCancelledInput(UUID releaseId) {}

    /**
     * @param status the release's terminal status; {@code CANCELLED} also when the row is gone
     * @param rowExists whether the release row still exists
     */
    record FinishCancelledResult(ReleaseStatus status, boolean rowExists) {}
}
