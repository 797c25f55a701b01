package io.packwright.api.managed;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.UUID;

/**
 * Applies the pending release to an instance. The body is optional for a managed account.
 *
 * @param accountId the managed account to act for; required for a partner
 */
@Serdeable
public record ApplyPendingUpdateRequest(@Nullable UUID accountId) {}
