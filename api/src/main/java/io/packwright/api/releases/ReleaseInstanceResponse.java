package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.release.LedgerEntry;
import io.packwright.api.paging.JsonBytes;
import io.packwright.workflows.release.ApplyMode;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/**
 * One instance's entry in a release's ledger.
 *
 * @param integrationPackInstanceId the instance
 * @param accountId its managed account
 * @param status {@code APPLIED}, {@code FAILED}, {@code REVERTED} (put back on the release it ran before by a
 *     cancel or an abort) or {@code PENDING}
 * @param mode {@code MANUAL}, {@code AUTOMATIC}, {@code IMMEDIATE} or {@code RETRY} when applied (or
 *     reverted), else {@code null}
 * @param appliedAt when it was applied
 * @param failureReason why the instance could not take the release
 * @param attempts how many times the release was applied to it: 1, more after retries ({@code
 *     retry-failed} or a catch-up), 0 while pending
 * @param revertedAt when it was put back on the release it ran before, for {@code REVERTED}
 */
@Serdeable
public record ReleaseInstanceResponse(
        UUID integrationPackInstanceId,
        UUID accountId,
        LedgerEntry.Status status,
        @Nullable @Schema(type = "string") ApplyMode mode,
        @Nullable Instant appliedAt,
        @Nullable String failureReason,
        int attempts,
        @Nullable Instant revertedAt) {

    // the fields without the failure reason, with room for a long instant
    private static final int FIXED_BYTES = 240;

    /** About how many bytes the entry takes in a response body. */
    static long approximateBytes(LedgerEntry entry) {
        return FIXED_BYTES + JsonBytes.text(entry.failureReason());
    }

    static ReleaseInstanceResponse of(LedgerEntry entry) {
        return new ReleaseInstanceResponse(
                entry.instanceId(),
                entry.accountId(),
                entry.status(),
                entry.mode(),
                entry.appliedAt(),
                entry.failureReason(),
                entry.attempts(),
                entry.revertedAt());
    }
}
