package io.packwright.api.accounts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The optional features of a partner account. In requests, an absent flag is {@code false} on
 * creation and unchanged on update.
 *
 * @param integrationPackManagement the partner may create and release integration packs
 * @param multiInstallIntegrationPacks the partner may create MULTI packs; needs pack management
 */
@Serdeable
public record AccountFeatures(
        @Nullable Boolean integrationPackManagement,
        @Nullable Boolean multiInstallIntegrationPacks) {}
