package io.packwright.activities.store.component;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code packaged_components}: one immutable, versioned package of a component. Only
 * shareable packages can go into integration packs; the newest shareable one (highest id, which is
 * creation order) is what a pack's next release takes.
 */
@MappedEntity("packaged_components")
public record PackagedComponentEntity(
        @Id UUID id,
        UUID componentId,
        String packageVersion,
        boolean shareable,
        @Nullable String notes,
        Instant createdAt) {}
