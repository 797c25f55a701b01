package io.packwright.activities.release;

import io.packwright.workflows.release.ReleaseSchedule;
import java.time.Instant;
import java.util.UUID;

/**
 * What starting the workflow of a release needs, as read from its row.
 *
 * @param releaseId the release
 * @param integrationPackId its pack
 * @param packName the pack's name, for the workflow's summary
 * @param partnerAccountId the pack's partner
 * @param releaseNumber its number
 * @param schedule immediate or on a date
 * @param windowStart start of the release window, {@code null} for immediate releases
 * @param windowEnd end of the release window, {@code null} for immediate releases
 * @param workflowId the fixed workflow id stored on the row
 */
public record StartableRelease(
        UUID releaseId,
        UUID integrationPackId,
        String packName,
        UUID partnerAccountId,
        int releaseNumber,
        ReleaseSchedule schedule,
        Instant windowStart,
        Instant windowEnd,
        String workflowId) {}
