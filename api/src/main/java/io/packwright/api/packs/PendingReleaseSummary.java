package io.packwright.api.packs;

import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.pack.PackSummary;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A pack's pending release: scheduled, in its testing period.
 *
 * @param releaseNumber its number
 * @param releaseOnDate the scheduled day, in the partner's time zone
 * @param windowStart when it becomes current and is applied to every instance that has not applied it
 */
@Serdeable
public record PendingReleaseSummary(int releaseNumber, LocalDate releaseOnDate, Instant windowStart) {

    static PendingReleaseSummary of(PackSummary.Pending pending) {
        return pending == null
                ? null
                : new PendingReleaseSummary(pending.releaseNumber(), pending.releaseOnDate(), pending.windowStart());
    }
}
