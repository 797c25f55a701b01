package io.packwright.api.accounts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.account.AccountEntity;
import io.packwright.activities.store.account.AccountType;
import java.time.Instant;
import java.util.UUID;

/**
 * An account.
 *
 * @param id the account id, which is the {@code sub} of its tokens
 * @param name its name
 * @param type {@code PARTNER} or {@code MANAGED}
 * @param parentAccountId the partner of a managed account; {@code null} for partners
 * @param timeZone the time zone in which scheduled release windows are computed
 * @param features the optional features (always off for managed accounts)
 * @param createdAt when it was created
 */
@Serdeable
public record AccountResponse(
        UUID id,
        String name,
        AccountType type,
        @Nullable UUID parentAccountId,
        @Nullable String timeZone,
        AccountFeatures features,
        Instant createdAt) {

    static AccountResponse of(AccountEntity account) {
        return new AccountResponse(
                account.id(),
                account.name(),
                account.type(),
                account.parentAccountId(),
                account.timeZone(),
                new AccountFeatures(account.integrationPackManagement(), account.multiInstallPacks()),
                account.createdAt());
    }
}
