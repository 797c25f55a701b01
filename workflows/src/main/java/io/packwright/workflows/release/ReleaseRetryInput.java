package io.packwright.workflows.release;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What a retry workflow run needs.
 *
 * @param releaseId the release to apply again
 * @param integrationPackId its pack
 * @param releaseNumber its number within the pack
 * @param failedBefore when the retry was asked for: only ledger rows recorded before it are retried,
 *     so that a rerun of a batch never counts an attempt twice
 * @param tuning pacing ({@link ReleaseTuning#batchSize}, {@link ReleaseTuning#batchesPerActivity},
 *     {@link ReleaseTuning#maxHistoryEvents})
 * @param carryOver how far the previous runs got; {@code null} on the first run
 */
public record ReleaseRetryInput(
        UUID releaseId,
        UUID integrationPackId,
        int releaseNumber,
        Instant failedBefore,
        ReleaseTuning tuning,
        CarryOver carryOver) {

    public ReleaseRetryInput {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(integrationPackId, "integrationPackId");
        Objects.requireNonNull(failedBefore, "failedBefore");
        Objects.requireNonNull(tuning, "tuning");
    }

    /** The same input for the next run, carrying {@code next} forward. */
    public ReleaseRetryInput continuedWith(CarryOver next) {
        return new ReleaseRetryInput(releaseId, integrationPackId, releaseNumber, failedBefore, tuning, next);
    }

    /**
     * What one run of a retry hands to the next when it continues as new.
     *
     * @param after the cursor: the last instance id handled
     * @param applied instances that took the release so far
     * @param failed instances that still could not take it so far
     * @param runs how many runs came before the next one
     */
    public record CarryOver(UUID after, long applied, long failed, int runs) {}
}
