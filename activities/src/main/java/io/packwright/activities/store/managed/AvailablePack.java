package io.packwright.activities.store.managed;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.store.pack.InstallationType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * An integration pack that a managed account can install now.
 *
 * @param id the pack
 * @param name its name
 * @param description its description
 * @param installationType SINGLE or MULTI
 * @param currentReleaseNumber the number of its current release, which a new instance is installed on
 * @param currentReleasedAt when that release became current
 * @param pendingReleaseNumber the number of its pending ({@code SCHEDULED}) release, if it has one
 * @param pendingReleaseOnDate that release's day, in the partner's time zone; {@code null} without one
 * @param pendingWindowStart when that release is applied automatically; {@code null} without one
 */
@Introspected
public record AvailablePack(
        UUID id,
        String name,
        String description,
        InstallationType installationType,
        int currentReleaseNumber,
        Instant currentReleasedAt,
        @Nullable Integer pendingReleaseNumber,
        @Nullable LocalDate pendingReleaseOnDate,
        @Nullable Instant pendingWindowStart) {}
