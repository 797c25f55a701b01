package io.packwright.activities.store.managed;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code secret_key_sweeps}: a queued walk over a pack's instances that encrypts the plain
 * values of keys that a release made secret. The worker's sweep claims and walks it through {@link
 * SecretSweepStore}.
 *
 * @param id the sweep
 * @param integrationPackId the pack whose instances it walks
 * @param keys the keys whose plain values it encrypts
 * @param afterInstanceId the last instance id it has done
 * @param createdAt when it was queued
 */
@MappedEntity("secret_key_sweeps")
public record SecretKeySweepEntity(
        @Id UUID id,
        UUID integrationPackId,
        @TypeDef(type = DataType.STRING_ARRAY) String[] keys,
        UUID afterInstanceId,
        Instant createdAt) {}
