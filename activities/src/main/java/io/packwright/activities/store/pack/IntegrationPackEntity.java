package io.packwright.activities.store.pack;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code integration_packs}. A pack with {@code deletedAt} set is deleted for every client
 * and only waits for its clean-up to remove the row.
 */
@MappedEntity("integration_packs")
public record IntegrationPackEntity(
        @Id UUID id,
        UUID partnerAccountId,
        String name,
        String description,
        InstallationType installationType,
        @Nullable UUID currentReleaseId,
        int lastReleaseNumber,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant deletedAt) {}
