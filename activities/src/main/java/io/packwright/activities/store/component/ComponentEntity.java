package io.packwright.activities.store.component;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code components}: a partner's component, whose versions are its packaged components. */
@MappedEntity("components")
public record ComponentEntity(
        @Id UUID id,
        UUID partnerAccountId,
        String name,
        ComponentType type,
        boolean containsProcessRoute,
        Instant createdAt) {}
