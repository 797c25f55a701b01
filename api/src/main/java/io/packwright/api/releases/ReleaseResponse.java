package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.release.ReleaseRecord;
import io.packwright.activities.store.release.ReleaseStore;
import io.packwright.api.paging.JsonBytes;
import io.packwright.workflows.release.ReleaseSchedule;
import io.packwright.workflows.release.ReleaseStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * A release of an integration pack.
 *
 * @param id the release
 * @param integrationPackId its pack
 * @param releaseNumber 1, 2, 3… per pack
 * @param releaseSchedule immediate or on a date
 * @param releaseOnDate the scheduled day, for scheduled releases
 * @param windowStart start of {@code releaseOnDate} in the partner's time zone, as a UTC instant
 * @param windowEnd one hour after {@code windowStart}
 * @param status {@code SCHEDULED}, {@code IN_PROGRESS}, {@code RELEASED}, {@code SUPERSEDED} or
 *     {@code CANCELLED}
 * @param releaseNotes the partner's notes
 * @param createdAt when it was created
 * @param startedAt when it became the pack's current release and started being applied
 * @param completedAt when it reached its final status
 * @param components the content, frozen at creation: the pack's members then, so at most 100
 * @param workflowId its Temporal workflow
 * @param contentOf for a rollback ({@code "contentOf"} at creation), the number of the earlier release
 *     whose packages it holds; {@code null} for a release of the pack's newest packages
 * @param progress how far it got
 */
@Serdeable
public record ReleaseResponse(
        UUID id,
        UUID integrationPackId,
        int releaseNumber,
        ReleaseSchedule releaseSchedule,
        @Nullable LocalDate releaseOnDate,
        @Nullable Instant windowStart,
        @Nullable Instant windowEnd,
        ReleaseStatus status,
        @Nullable String releaseNotes,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant completedAt,
        List<Component> components,
        String workflowId,
        @Nullable Integer contentOf,
        Progress progress) {

    // the fields without notes and components, with room for long counts
    private static final int FIXED_BYTES = 800;
    // one component without its name, type and version
    private static final int COMPONENT_BYTES = 200;

    /**
     * About how many bytes the release takes in a response body, from its row and the size of its
     * content, before that is loaded.
     */
    static long approximateBytes(ReleaseRecord release, ReleaseStore.ContentSize content) {
        return FIXED_BYTES
                + JsonBytes.text(release.releaseNotes())
                + (long) COMPONENT_BYTES * content.components()
                + content.textBytes();
    }

    static ReleaseResponse of(ReleaseRecord release) {
        long applied = release.appliedManually() + release.appliedAutomatically();
        return new ReleaseResponse(
                release.id(),
                release.integrationPackId(),
                release.releaseNumber(),
                release.schedule(),
                release.releaseOnDate(),
                release.windowStart(),
                release.windowEnd(),
                release.status(),
                release.releaseNotes(),
                release.createdAt(),
                release.startedAt(),
                release.completedAt(),
                release.components().stream()
                        .map(c -> new Component(
                                c.componentId(),
                                c.componentName(),
                                c.componentType(),
                                c.packageId(),
                                c.packageVersion()))
                        .toList(),
                release.workflowId(),
                release.contentOf(),
                new Progress(
                        applied + release.failed() + release.remaining(),
                        applied,
                        release.appliedManually(),
                        release.appliedAutomatically(),
                        release.failed(),
                        release.remaining(),
                        release.deployed(),
                        release.deploymentFailed()));
    }

    /**
     * A component of the release, with the package it froze.
     *
     * @param componentId the component
     * @param componentName its name at release time
     * @param componentType its type
     * @param packageId the packaged component
     * @param packageVersion its version
     */
    @Serdeable
    public record Component(
            UUID componentId, String componentName, String componentType, UUID packageId, String packageVersion) {}

    /**
     * Progress over the instances the release concerns: those that were on an older release of the
     * pack while it was open. Instances installed directly on it are not counted.
     *
     * @param instances applied + failed + remaining
     * @param applied instances that run the release
     * @param appliedManually applied by their managed account during the testing period
     * @param appliedAutomatically applied by the release itself (immediately or in its window)
     * @param failed instances that could not take it (see the ledger for the reason)
     * @param remaining instances it has not reached yet; 0 once it is final
     * @param deployed deployment reports (instance x environment) of runtimes that run it now
     * @param deploymentFailed deployment reports of runtimes that failed to deploy it (GET
     *     /api/v1/releases/{id}/deployments?state=FAILED lists them with their messages)
     */
    @Serdeable
    public record Progress(
            long instances,
            long applied,
            long appliedManually,
            long appliedAutomatically,
            long failed,
            long remaining,
            long deployed,
            long deploymentFailed) {}
}
