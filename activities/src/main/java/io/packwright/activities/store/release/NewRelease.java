package io.packwright.activities.store.release;

import io.micronaut.core.annotation.Nullable;
import io.packwright.workflows.release.ReleaseSchedule;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * A release to create; the window is already computed in the partner's time zone.
 *
 * @param id the new release's id
 * @param integrationPackId the (locked, live) pack
 * @param schedule immediate or on a date
 * @param releaseOnDate the date, for a scheduled release
 * @param windowStart start of its window, for a scheduled release
 * @param windowEnd end of its window, for a scheduled release
 * @param releaseNotes the partner's notes
 * @param contentOf the number of the pack's earlier release whose packages this one holds (a
 *     rollback); {@code null} for the newest shareable packages of the pack's members
 * @param rollout its staged rollout; {@code null} to apply it to the whole install base at once
 * @param now the creation time
 */
public record NewRelease(
        UUID id,
        UUID integrationPackId,
        ReleaseSchedule schedule,
        @Nullable LocalDate releaseOnDate,
        @Nullable Instant windowStart,
        @Nullable Instant windowEnd,
        @Nullable String releaseNotes,
        @Nullable Integer contentOf,
        @Nullable Rollout rollout,
        Instant now) {

    /**
     * A staged rollout as asked for (already checked).
     *
     * @param waves the waves' targets, in order
     * @param soakMinutes the soak after each wave but the last
     * @param maxFailedPercent the failure gate
     */
    public record Rollout(List<WaveTarget> waves, int soakMinutes, int maxFailedPercent) {

        public Rollout {
            waves = List.copyOf(waves);
        }
    }
}
