package io.packwright.activities.store.release;

import io.micronaut.core.annotation.Nullable;
import io.packwright.workflows.release.ApplyMode;
import java.time.Instant;
import java.util.UUID;

/**
 * One instance's outcome for a release.
 *
 * @param instanceId the instance
 * @param accountId its account
 * @param status what happened to it
 * @param mode how the release reached it, when applied
 * @param appliedAt when it was applied
 * @param failureReason why it could not take the release, when failed
 * @param attempts how many times the release was applied to it (more than 1 after retries); 0 while
 *     pending
 * @param revertedAt when it was put back on the release it ran before, when reverted
 */
public record LedgerEntry(
        UUID instanceId,
        UUID accountId,
        Status status,
        @Nullable ApplyMode mode,
        @Nullable Instant appliedAt,
        @Nullable String failureReason,
        int attempts,
        @Nullable Instant revertedAt) {

    /** The outcome of an instance for a release. */
    public enum Status {
        /** The instance runs the release. */
        APPLIED,
        /** The instance could not take the release and stays on its release. */
        FAILED,
        /** The instance was put back on the release it ran before (a cancel or an abort). */
        REVERTED,
        /** The release has not reached the instance yet. */
        PENDING
    }
}
