package io.packwright.api.auth;

import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/**
 * Who owns a caller's webhook endpoints and which events concern it, as {@link
 * Tenancy#webhookSubscriber} decides.
 *
 * @param accountId the account that owns the endpoints: the caller's own
 * @param partnerAccountId the partner of the caller's tenant (the caller itself when it is a partner)
 * @param managedAccountId the managed account, when the caller is one; {@code null} for a partner
 */
public record WebhookSubscriber(
        UUID accountId, UUID partnerAccountId, @Nullable UUID managedAccountId) {

    /** Whether the subscriber is a managed account, which receives only the events about itself. */
    public boolean isManagedAccount() {
        return managedAccountId != null;
    }
}
