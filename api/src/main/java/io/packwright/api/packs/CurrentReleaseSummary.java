package io.packwright.api.packs;

import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.pack.PackSummary;
import java.time.Instant;

/**
 * A pack's current release: the one that its instances run, or are being updated to.
 *
 * @param releaseNumber its number (1, 2, 3… per pack)
 * @param releasedAt when it became current (the release's {@code startedAt}): at its creation for an
 *     immediate release, when its window opened for a scheduled one
 */
@Serdeable
public record CurrentReleaseSummary(int releaseNumber, Instant releasedAt) {

    static CurrentReleaseSummary of(PackSummary.Current current) {
        return current == null ? null : new CurrentReleaseSummary(current.releaseNumber(), current.releasedAt());
    }
}
