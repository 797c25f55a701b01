package io.packwright.api.packs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.pack.InstallationType;
import io.packwright.activities.store.pack.PackSummary;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/**
 * An integration pack.
 *
 * @param id the pack id
 * @param name its name
 * @param description its description (possibly empty)
 * @param installationType {@code SINGLE} or {@code MULTI}
 * @param createdAt when it was created
 * @param updatedAt when its name, description or contents last changed
 * @param currentRelease its current release; {@code null} before the first release is current
 * @param pendingRelease its scheduled release in its testing period; {@code null} when none
 * @param hasUnreleasedChanges whether its members with their newest shareable packages differ from
 *     its newest release (the pending one, else the current one); a pack never released has
 *     unreleased changes as soon as it has a member
 * @param componentCount how many components it holds (at most 100)
 */
@Serdeable
public record IntegrationPackResponse(
        UUID id,
        String name,
        String description,
        InstallationType installationType,
        Instant createdAt,
        Instant updatedAt,
        @Nullable @Schema(type = "object") CurrentReleaseSummary currentRelease,
        @Nullable @Schema(type = "object") PendingReleaseSummary pendingRelease,
        boolean hasUnreleasedChanges,
        int componentCount) {

    static IntegrationPackResponse of(PackSummary pack) {
        return new IntegrationPackResponse(
                pack.id(),
                pack.name(),
                pack.description(),
                pack.installationType(),
                pack.createdAt(),
                pack.updatedAt(),
                CurrentReleaseSummary.of(pack.current()),
                PendingReleaseSummary.of(pack.pending()),
                pack.hasUnreleasedChanges(),
                pack.componentCount());
    }
}
