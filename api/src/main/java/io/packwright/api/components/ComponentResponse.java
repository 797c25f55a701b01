package io.packwright.api.components;

import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.component.ComponentEntity;
import io.packwright.activities.store.component.ComponentType;
import java.time.Instant;
import java.util.UUID;

/**
 * A component of a partner's catalog.
 *
 * @param id the component id
 * @param name its name
 * @param type its type
 * @param containsProcessRoute whether it uses Process Route components
 * @param createdAt when it was created
 */
@Serdeable
public record ComponentResponse(
        UUID id, String name, ComponentType type, boolean containsProcessRoute, Instant createdAt) {

    static ComponentResponse of(ComponentEntity component) {
        return new ComponentResponse(
                component.id(),
                component.name(),
                component.type(),
                component.containsProcessRoute(),
                component.createdAt());
    }
}
