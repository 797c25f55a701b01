package io.packwright.activities.store.managed;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code integration_pack_instances}: an integration pack installed in a managed account.
 * Clients read instances as {@link Instance}, with what their pack and releases make of them.
 *
 * @param id its id
 * @param accountId the managed account
 * @param integrationPackId the pack
 * @param overrideName its name, for MULTI packs; {@code null} for the one instance of a SINGLE pack
 * @param installedReleaseId the release it runs
 * @param createdAt when it was installed
 * @param updatedAt when it last changed
 */
@MappedEntity("integration_pack_instances")
public record InstanceEntity(
        @Id UUID id,
        UUID accountId,
        UUID integrationPackId,
        @Nullable String overrideName,
        UUID installedReleaseId,
        Instant createdAt,
        Instant updatedAt) {}
