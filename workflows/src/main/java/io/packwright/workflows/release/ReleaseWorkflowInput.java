package io.packwright.workflows.release;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What a release workflow run needs. Built from the release row by whoever starts the workflow (the
 * api on creation, the reconciler after a crash); the time-zone arithmetic is already done.
 *
 * @param releaseId the release row
 * @param integrationPackId its pack
 * @param partnerAccountId the partner that owns the pack
 * @param releaseNumber its number within the pack
 * @param schedule immediate or on a date
 * @param windowStart when a scheduled release becomes current and is auto-applied; {@code null} for
 *     immediate releases
 * @param windowEnd when the auto-apply should be finished; {@code null} for immediate releases
 * @param tuning pacing
 * @param carryOver state carried across continue-as-new; {@code null} on the first run
 */
public record ReleaseWorkflowInput(
        UUID releaseId,
        UUID integrationPackId,
        UUID partnerAccountId,
        int releaseNumber,
        ReleaseSchedule schedule,
        Instant windowStart,
        Instant windowEnd,
        ReleaseTuning tuning,
        ReleaseCarryOver carryOver) {

    public ReleaseWorkflowInput {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(integrationPackId, "integrationPackId");
        Objects.requireNonNull(partnerAccountId, "partnerAccountId");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(tuning, "tuning");
        if (schedule == ReleaseSchedule.RELEASE_ON_SPECIFIED_DATE && (windowStart == null || windowEnd == null)) {
            throw new IllegalArgumentException("a scheduled release needs its window");
        }
    }

    /** The same input for the next run, carrying {@code next} forward. */
    public ReleaseWorkflowInput continuedWith(ReleaseCarryOver next) {
        return new ReleaseWorkflowInput(
                releaseId,
                integrationPackId,
                partnerAccountId,
                releaseNumber,
                schedule,
                windowStart,
                windowEnd,
                tuning,
                next);
    }
}
