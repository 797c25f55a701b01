package io.packwright.api.groups;

import io.micronaut.serde.annotation.Serdeable;
import io.packwright.api.validation.TextRules;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Creates an account group of the calling partner.
 *
 * @param name 1 to 255 characters, not blank, without NUL characters (which PostgreSQL text cannot
 *     hold), unique among the partner's groups
 */
@Serdeable
public record CreateAccountGroupRequest(
        @NotNull @Size(min = 1, max = 255) @Pattern(regexp = TextRules.NAME, message = TextRules.NAME_MESSAGE)
        String name) {}
