package io.packwright.activities.store.managed;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.store.pack.InstallationType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * An integration pack instance as clients see it.
 *
 * @param id the instance
 * @param accountId its account
 * @param packId its pack
 * @param packName the pack's name
 * @param installationType the pack's installation type
 * @param overrideName its name, for MULTI packs
 * @param installedReleaseId the release it runs
 * @param installedReleaseNumber that release's number
 * @param createdAt when it was installed
 * @param pendingReleaseNumber the number of the release it waits for ({@link #pendingUpdate()}), if any
 * @param pendingReleaseOnDate that release's date; {@code null} for an immediate release being applied
 * @param pendingWindowStart when that release is applied to everyone; {@code null} for an immediate
 *     release being applied
 */
@Introspected
public record Instance(
        UUID id,
        UUID accountId,
        UUID packId,
        String packName,
        InstallationType installationType,
        @Nullable String overrideName,
        UUID installedReleaseId,
        int installedReleaseNumber,
        Instant createdAt,
        @Nullable Integer pendingReleaseNumber,
        @Nullable LocalDate pendingReleaseOnDate,
        @Nullable Instant pendingWindowStart) {

    /**
     * The newest open release of the pack that is newer than the installed one and has no outcome
     * for the instance yet: scheduled (in its testing period) or being applied; {@code null} when
     * there is none.
     */
    public @Nullable PendingUpdate pendingUpdate() {
        return pendingReleaseNumber == null
                ? null
                : new PendingUpdate(pendingReleaseNumber, pendingReleaseOnDate, pendingWindowStart);
    }

    /**
     * The release an instance waits for.
     *
     * @param releaseNumber its number
     * @param releaseOnDate its date; {@code null} for an immediate release being applied
     * @param windowStart when it is applied to everyone; {@code null} for an immediate release being
     *     applied
     */
    public record PendingUpdate(
            int releaseNumber,
            @Nullable LocalDate releaseOnDate,
            @Nullable Instant windowStart) {}
}
