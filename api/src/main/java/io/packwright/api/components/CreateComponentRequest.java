package io.packwright.api.components;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.component.ComponentType;
import io.packwright.api.validation.TextRules;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Creates a component in the calling partner's catalog.
 *
 * @param name 1 to 255 characters
 * @param type what kind of component it is; only {@code PROCESS} and {@code API_SERVICE} components
 *     can be added to integration packs
 * @param containsProcessRoute whether the component (a process) uses Process Route components, which
 *     keeps it out of integration packs; {@code false} when absent
 */
@Serdeable
public record CreateComponentRequest(
        @NotNull @Size(min = 1, max = 255) @Pattern(regexp = TextRules.NAME, message = TextRules.NAME_MESSAGE)
        String name,

        @NotNull ComponentType type,
        @Nullable Boolean containsProcessRoute) {}
