package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.api.validation.TextRules;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/**
 * Creates a runtime credential for an environment.
 *
 * @param accountId the managed account to act for; required for a partner, optional (and then its
 *     own id) for a managed account
 * @param name 1 to 255 characters, not blank, unique among the environment's runtimes
 */
@Serdeable
public record CreateRuntimeRequest(
        @Nullable UUID accountId,

        @NotNull @Size(min = 1, max = 255) @Pattern(regexp = TextRules.NAME, message = TextRules.NAME_MESSAGE)
        String name) {}
