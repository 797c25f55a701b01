package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.release.ReleaseRecord;
import io.packwright.activities.store.release.ReleaseRollout;
import io.packwright.activities.store.release.ReleaseStore;
import io.packwright.api.paging.JsonBytes;
import io.packwright.workflows.release.ReleaseSchedule;
import io.packwright.workflows.release.ReleaseStatus;
import io.swagger.v3.oas.annotations.media.Schema;
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
 * @param status {@code SCHEDULED}, {@code IN_PROGRESS}, {@code PAUSED}, {@code RELEASED}, {@code
 *     SUPERSEDED}, {@code CANCELLED} or {@code ABORTED}
 * @param releaseNotes the partner's notes
 * @param createdAt when it was created
 * @param startedAt when it became the pack's current release and started being applied
 * @param completedAt when it reached its final status
 * @param components the content, frozen at creation: the pack's members then, so at most 100
 * @param workflowId its Temporal workflow
 * @param contentOf for a rollback ({@code "contentOf"} at creation), the number of the earlier release
 *     whose packages it holds; {@code null} for a release of the pack's newest packages
 * @param progress how far it got
 * @param statusReason why it is {@code PAUSED}, {@code CANCELLED} or {@code ABORTED}, when a reason was
 *     given (the partner's, or the failure gate's); {@code null} otherwise
 * @param rollout its staged rollout and how far each wave got; {@code null} when it is applied to the
 *     whole install base at once
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
        Progress progress,
        @Nullable String statusReason,
        @Nullable @Schema(type = "object") Rollout rollout) {

    // the fields without notes and components, with room for long counts, a reason and ten waves
    private static final int FIXED_BYTES = 4_000;
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
                        applied + release.failed() + release.reverted() + release.remaining(),
                        applied,
                        release.appliedManually(),
                        release.appliedAutomatically(),
                        release.failed(),
                        release.remaining(),
                        release.deployed(),
                        release.deploymentFailed(),
                        release.reverted()),
                release.statusReason(),
                Rollout.of(release.status(), release.statusReason(), release.rollout()));
    }

    /**
     * A staged rollout.
     *
     * @param waves its waves in order
     * @param currentWave the index (from 0) of the first wave that is not {@code DONE}; {@code null}
     *     once every wave is done, or when the release ended before
     * @param pausedReason why the release is {@code PAUSED} (the partner's reason, or the failure
     *     gate's); {@code null} when it is not paused
     * @param soakMinutes the soak after each wave but the last
     * @param maxFailedPercent the failed share of a wave above which the release pauses
     */
    @Serdeable
    public record Rollout(
            List<Wave> waves,
            @Nullable Integer currentWave,
            @Nullable String pausedReason,
            int soakMinutes,
            int maxFailedPercent) {

        static Rollout of(ReleaseStatus status, @Nullable String reason, @Nullable ReleaseRollout rollout) {
            if (rollout == null) {
                return null;
            }
            List<Wave> waves = rollout.waves().stream()
                    .map(wave -> new Wave(
                            Rollouts.target(wave.target()),
                            wave.instances(),
                            wave.applied(),
                            wave.failed(),
                            wave.state(),
                            wave.soakUntil()))
                    .toList();
            Integer current = null;
            if (status.isOpen()) {
                for (int index = 0; index < waves.size(); index++) {
                    if (waves.get(index).state() != ReleaseRollout.WaveState.DONE) {
                        current = index;
                        break;
                    }
                }
            }
            return new Rollout(
                    waves,
                    current,
                    status == ReleaseStatus.PAUSED ? reason : null,
                    rollout.soakMinutes(),
                    rollout.maxFailedPercent());
        }
    }

    /**
     * One wave of a staged rollout.
     *
     * @param target which instances it takes: {@code N%} (a cumulative share of the install base, by a
     *     stable hash of the account id) or {@code accountGroup:<id>}; the last wave takes everyone left
     * @param instances its own instances (without the earlier waves'), counted when the release opened
     *     and again when the wave started
     * @param applied its instances that took the release
     * @param failed its instances that could not (see the ledger for why)
     * @param state {@code PENDING}, {@code APPLYING}, {@code SOAKING} or {@code DONE}
     * @param soakUntil when its soak ends, while it soaks
     */
    @Serdeable
    public record Wave(
            String target,
            long instances,
            long applied,
            long failed,
            ReleaseRollout.WaveState state,
            @Nullable Instant soakUntil) {}

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
     * @param instances applied + failed + reverted + remaining
     * @param applied instances that run the release
     * @param appliedManually applied by their managed account during the testing period
     * @param appliedAutomatically applied by the release itself (immediately or in its window)
     * @param failed instances that could not take it (see the ledger for the reason)
     * @param remaining instances it has not reached yet; 0 once it is final
     * @param deployed deployment reports (instance x environment) of runtimes that run it now
     * @param deploymentFailed deployment reports of runtimes that failed to deploy it (GET
     *     /api/v1/releases/{id}/deployments?state=FAILED lists them with their messages)
     * @param reverted instances a cancel or an abort put back on the release they ran before (ledger
     *     {@code REVERTED}); they no longer count as applied
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
            long deploymentFailed,
            long reverted) {}
}
