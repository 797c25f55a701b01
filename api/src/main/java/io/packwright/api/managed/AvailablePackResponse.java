package io.packwright.api.managed;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.managed.AvailablePack;
import io.packwright.activities.store.pack.InstallationType;
import io.packwright.api.packs.CurrentReleaseSummary;
import io.packwright.api.packs.PendingReleaseSummary;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;

/**
 * An integration pack that a managed account can install.
 *
 * @param id the pack
 * @param name its name
 * @param description its description
 * @param installationType {@code SINGLE} or {@code MULTI}
 * @param currentRelease the release that a new instance is installed on
 * @param pendingRelease its scheduled release in its testing period; {@code null} when none
 */
@Serdeable
public record AvailablePackResponse(
        UUID id,
        String name,
        String description,
        InstallationType installationType,
        CurrentReleaseSummary currentRelease,
        @Nullable @Schema(type = "object") PendingReleaseSummary pendingRelease) {

    static AvailablePackResponse of(AvailablePack pack) {
        return new AvailablePackResponse(
                pack.id(),
                pack.name(),
                pack.description(),
                pack.installationType(),
                new CurrentReleaseSummary(pack.currentReleaseNumber(), pack.currentReleasedAt()),
                pack.pendingReleaseNumber() == null
                        ? null
                        : new PendingReleaseSummary(
                                pack.pendingReleaseNumber(), pack.pendingReleaseOnDate(), pack.pendingWindowStart()));
    }
}
