package io.packwright.activities.store.managed;

import io.micronaut.core.annotation.Introspected;
import io.packwright.workflows.release.ReleaseStatus;
import java.util.UUID;

/**
 * The release an instance is waiting for, to apply it manually.
 *
 * @param releaseId the release
 * @param releaseNumber its number
 * @param status {@code SCHEDULED} (may be applied manually) or {@code IN_PROGRESS} (being applied)
 * @param workflowId its workflow
 */
@Introspected
public record PendingApply(UUID releaseId, int releaseNumber, ReleaseStatus status, String workflowId) {}
