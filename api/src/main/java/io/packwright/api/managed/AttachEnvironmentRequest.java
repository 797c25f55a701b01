package io.packwright.api.managed;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.NotNull;
import java.util.UUID;

/**
 * Attaches an environment of the account to an instance.
 *
 * @param accountId the managed account to act for; required for a partner
 * @param environmentId the environment
 */
@Serdeable
public record AttachEnvironmentRequest(
        @Nullable UUID accountId, @NotNull UUID environmentId) {}
