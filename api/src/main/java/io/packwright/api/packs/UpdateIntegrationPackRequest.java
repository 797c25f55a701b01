package io.packwright.api.packs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.pack.InstallationType;
import io.packwright.api.validation.TextRules;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Renames a pack or changes its description; absent fields stay as they are.
 *
 * @param name 1 to 255 characters, unique among the partner's packs
 * @param description at most 500 characters
 * @param installationType never accepted: the installation type of a pack cannot change (400)
 */
@Serdeable
public record UpdateIntegrationPackRequest(
        @Nullable @Size(min = 1, max = 255) @Pattern(regexp = TextRules.NAME, message = TextRules.NAME_MESSAGE)
        String name,

        @Nullable @Size(max = 500) @Pattern(regexp = TextRules.TEXT, message = TextRules.TEXT_MESSAGE)
        String description,

        @Nullable @Schema(type = "string") InstallationType installationType) {}
