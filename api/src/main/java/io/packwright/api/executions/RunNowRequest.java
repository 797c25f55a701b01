package io.packwright.api.executions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.NotNull;
import java.util.UUID;

/**
 * Runs a process of an instance now, in an environment it is attached to.
 *
 * @param accountId the managed account to act for; required for a partner
 * @param componentId a PROCESS of the instance's installed release
 * @param environmentId an environment attached to the instance
 */
@Serdeable
public record RunNowRequest(
        @Nullable UUID accountId,
        @NotNull UUID componentId,
        @NotNull UUID environmentId) {}
