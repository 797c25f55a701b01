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
     * {@code startedAt}. A {@code SCHEDULED} release whose window (as the database has it now) has
     * not begun is left as it is, with its window start in the result.
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

    /**
     * The release's control state as the api left it (the partner's pause, resume, promote, abort,
     * reschedule or cancel write the release row first and signal the workflow after): what a
     * signalled or polling workflow acts on.
     */
    @ActivityMethod
    ControlState readControl(ReleaseInput input);

    /**
     * The compensating step of a release that ended {@code CANCELLED} or {@code ABORTED}: puts the
     * next instances (in id order, after {@code after}) that it was applied to back on the release
     * they ran before, ledger {@code REVERTED}, in batches of {@code batchSize}, at most {@code
     * maxBatches}, heartbeating the cursor. An instance that no longer runs the release (it moved on
     * since, or was uninstalled) is left as it is. Does nothing for a release in any other status.
     */
    @ActivityMethod
    RevertResult revert(RevertInput input);

    /**
     * The number of waves of the release's staged rollout (0 when it has none), counting every
     * wave's instances as they are now.
     */
    @ActivityMethod
    WavePlan planWaves(ReleaseInput input);

    /**
     * Starts wave {@code wave} of an {@code IN_PROGRESS} staged release: the earlier waves are done,
     * this one is {@code APPLYING}, its instances counted. Idempotent; a release that is no longer
     * {@code IN_PROGRESS} is left as it is.
     */
    @ActivityMethod
    WaveState startWave(WaveInput input);

    /**
     * Ends the fan-out of wave {@code wave}: its failure gate pauses the release ({@code PAUSED}
     * with the reason) when the wave's failed share exceeds the rollout's {@code maxFailedPercent};
     * a wave that is not the last then soaks until {@code soakUntil}, the last is done.
     */
    @ActivityMethod
    WaveState finishWave(WaveInput input);

    /** Ends the soak of wave {@code wave} (it is done), when its time is over or it was promoted. */
    @ActivityMethod
    WaveState endSoak(WaveInput input);

    /** @param releaseId the release */
    record ReleaseInput(UUID releaseId) {}

    /**
     * @param status the release's status
     * @param windowStart its window start (a reschedule moves it); {@code null} for an immediate release
     * @param soakUntil when the soak of its soaking wave ends (a promote sets it to now); {@code null}
     *     when no wave soaks
     */
    record ControlState(ReleaseStatus status, Instant windowStart, Instant soakUntil) {}

    /**
     * @param releaseId the release
     * @param after exclusive lower bound of instance ids; {@code null} from the start
     * @param batchSize instances per transaction
     * @param maxBatches the most batches in this call
     */
    record RevertInput(UUID releaseId, UUID after, int batchSize, int maxBatches) {}

    /**
     * @param after the new cursor
     * @param done whether every applied instance was handled
     * @param reverted instances put back in this call
     */
    record RevertResult(UUID after, boolean done, long reverted) {}

    /** @param waves how many waves the rollout has; 0 when the release is not staged */
    record WavePlan(int waves) {}

    /**
     * @param releaseId the release
     * @param wave the wave, from 0
     */
    record WaveInput(UUID releaseId, int wave) {}

    /**
     * @param status the release's status after the call ({@code PAUSED} when the failure gate held it)
     * @param soakUntil when the wave's soak ends; {@code null} when it does not soak (any more)
     */
    record WaveState(ReleaseStatus status, Instant soakUntil) {}

    /** @param releaseId the release */
    record OpenReleaseInput(UUID releaseId) {}

    /**
     * @param status the release's status after the call
     * @param open whether it is current and must be applied ({@code IN_PROGRESS}, or {@code PAUSED}
     *     when its workflow was restarted while its partner held it)
     * @param windowStart the window start of a release that is still {@code SCHEDULED} because its
     *     window (moved by a reschedule) has not begun yet; {@code null} otherwise
     */
    record OpenReleaseResult(ReleaseStatus status, boolean open, Instant windowStart) {}

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
     * @param windowStart the release's window start as it is now (a reschedule moves it); {@code
     *     null} from workers older than reschedules
     */
    record ApplyRequestedResult(
            ReleaseStatus status, int applied, int rejected, boolean moreQueued, Instant windowStart) {}

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
     * @param wave for a staged rollout, the wave being applied: only instances of this and earlier
     *     waves are applied; {@code null} for the whole install base
     */
    record ApplyBatchInput(
            UUID releaseId, ApplyMode mode, UUID after, UUID upTo, int batchSize, int maxBatches, Integer wave) {}

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
