package io.packwright.activities.store.release;

import io.micronaut.core.annotation.Nullable;
import io.packwright.workflows.release.ReleaseSchedule;
import io.packwright.workflows.release.ReleaseStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * A release as the api shows it, with its frozen content and its progress.
 *
 * @param id the release
 * @param integrationPackId its pack
 * @param packName the pack's name
 * @param partnerAccountId the pack's partner
 * @param releaseNumber 1, 2, 3… per pack
 * @param schedule immediate or on a date
 * @param releaseOnDate the scheduled date, for scheduled releases
 * @param windowStart start of the release window, for scheduled releases
 * @param windowEnd end of the release window, for scheduled releases
 * @param status its status
 * @param releaseNotes the partner's notes
 * @param createdAt when it was created
 * @param startedAt when it became current and its fan-out started
 * @param completedAt when it reached a terminal status
 * @param workflowId its workflow's id
 * @param contentOf the number of the earlier release whose packages it holds (a rollback), or {@code null}
 * @param appliedManually instances that applied it during the testing period
 * @param appliedAutomatically instances it was applied to by its fan-out
 * @param failed instances that could not take it
 * @param remaining instances still waiting for it (0 once it is terminal)
 * @param deployed deployment reports (instance x environment) of runtimes that run it
 * @param deploymentFailed deployment reports of runtimes that failed to deploy it
 * @param reverted instances put back on the release they ran before by a cancel or an abort
 * @param statusReason why it is {@code PAUSED}, {@code CANCELLED} or {@code ABORTED}, when a reason
 *     was given (the partner's, or its failure gate's)
 * @param rollout its staged rollout, or {@code null} when it is applied to the whole install base at once
 * @param components its frozen content, by component name
 */
public record ReleaseRecord(
        UUID id,
        UUID integrationPackId,
        String packName,
        UUID partnerAccountId,
        int releaseNumber,
        ReleaseSchedule schedule,
        @Nullable LocalDate releaseOnDate,
        @Nullable Instant windowStart,
        @Nullable Instant windowEnd,
        ReleaseStatus status,
        @Nullable String releaseNotes,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant completedAt,
        String workflowId,
        @Nullable Integer contentOf,
        long appliedManually,
        long appliedAutomatically,
        long failed,
        long remaining,
        long deployed,
        long deploymentFailed,
        long reverted,
        @Nullable String statusReason,
        @Nullable ReleaseRollout rollout,
        List<Component> components) {

    public ReleaseRecord {
        components = List.copyOf(components);
    }

    /** This release with {@code content} as its components and {@code staged} as its rollout. */
    ReleaseRecord withDetails(List<Component> content, @Nullable ReleaseRollout staged) {
        return new ReleaseRecord(
                id,
                integrationPackId,
                packName,
                partnerAccountId,
                releaseNumber,
                schedule,
                releaseOnDate,
                windowStart,
                windowEnd,
                status,
                releaseNotes,
                createdAt,
                startedAt,
                completedAt,
                workflowId,
                contentOf,
                appliedManually,
                appliedAutomatically,
                failed,
                remaining,
                deployed,
                deploymentFailed,
                reverted,
                statusReason,
                staged,
                content);
    }

    /**
     * A component of the release: the package it froze.
     *
     * @param componentId the component
     * @param componentName its name when the release was created
     * @param componentType its type
     * @param packageId the packaged component
     * @param packageVersion its version
     */
    public record Component(
            UUID componentId, String componentName, String componentType, UUID packageId, String packageVersion) {}
}
