package io.packwright.activities.store.runtime;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/**
 * Who a runtime token stands for: the runtime, its environment and the tenants above it.
 *
 * @param runtimeId the runtime
 * @param environmentId its environment
 * @param accountId the managed account that owns the environment
 * @param partnerAccountId that account's partner
 * @param lastSeenAt when the runtime was last seen, to the minute
 */
@Introspected
public record RuntimeIdentity(
        UUID runtimeId,
        UUID environmentId,
        UUID accountId,
        UUID partnerAccountId,
        @Nullable Instant lastSeenAt) {}
