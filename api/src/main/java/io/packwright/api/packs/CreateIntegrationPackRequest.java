package io.packwright.api.packs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.pack.InstallationType;
import io.packwright.api.validation.TextRules;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Creates an integration pack of the calling partner.
 *
 * @param name 1 to 255 characters, unique among the partner's packs
 * @param description at most 500 characters; empty when absent
 * @param installationType {@code SINGLE} (one instance per account) or {@code MULTI} (several named
 *     instances per account; needs the feature {@code multiInstallIntegrationPacks}); never changes
 */
@Serdeable
public record CreateIntegrationPackRequest(
        @NotNull @Size(min = 1, max = 255) @Pattern(regexp = TextRules.NAME, message = TextRules.NAME_MESSAGE)
        String name,

        @Nullable @Size(max = 500) @Pattern(regexp = TextRules.TEXT, message = TextRules.TEXT_MESSAGE)
        String description,

        @NotNull InstallationType installationType) {}
