package io.packwright.activities.store.managed;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code environments}: where a managed account runs its integrations.
 *
 * @param id its id
 * @param accountId the managed account that owns it
 * @param name its name, unique per account
 * @param classification {@code PROD} or {@code TEST}
 * @param createdAt when it was created
 */
@MappedEntity("environments")
public record EnvironmentEntity(@Id UUID id, UUID accountId, String name, String classification, Instant createdAt) {}
