package io.packwright.activities.store.pack;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * A live pack as clients see it: its own fields and what its releases and members make of it.
 *
 * @param id the pack
 * @param name its name
 * @param description its description
 * @param installationType SINGLE or MULTI
 * @param createdAt when it was created
 * @param updatedAt when its name, description or contents last changed
 * @param current its current release, if it has one
 * @param pending its pending ({@code SCHEDULED}) release, if it has one
 * @param hasUnreleasedChanges whether the members with their newest shareable packages differ from
 *     the content of the newest release (the pending one, else the current one); for a pack never
 *     released, whether it has a member
 * @param componentCount how many components are members
 */
public record PackSummary(
        UUID id,
        String name,
        String description,
        InstallationType installationType,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Current current,
        @Nullable Pending pending,
        boolean hasUnreleasedChanges,
        int componentCount) {

    /**
     * The current release.
     *
     * @param releaseNumber its number
     * @param releasedAt when it became current ({@code startedAt}): its creation for an immediate
     *     release, the moment its window opened for a scheduled one
     */
    public record Current(int releaseNumber, Instant releasedAt) {}

    /**
     * The pending release, in its testing period.
     *
     * @param releaseNumber its number
     * @param releaseOnDate the scheduled day, in the partner's time zone
     * @param windowStart when it becomes current and is applied automatically
     */
    public record Pending(int releaseNumber, LocalDate releaseOnDate, Instant windowStart) {}
}
