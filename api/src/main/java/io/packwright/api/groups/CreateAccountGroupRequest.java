package io.packwright.api.groups;

import io.micronaut.serde.annotation.Serdeable;
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
        @NotNull
        @Size(min = 1, max = 255)
        @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
        @Pattern(regexp = "[^\\x00]*", message = "must not contain NUL characters")
        String name) {}
