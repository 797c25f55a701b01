package io.packwright.api.managed;

import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.store.account.AccountRepository;
import io.packwright.activities.store.account.AccountType;
import io.packwright.api.auth.Caller;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * The managed account that a request on a managed-account endpoint acts for. A managed account
 * acts for itself (an {@code accountId} other than its own is 404); a partner acts for one of its
 * own managed accounts named by {@code accountId} (required, 400 when missing; another partner's or
 * an unknown account is 404); platform operators are refused (403).
 */
@Singleton
public class ActingAccounts {

    private final AccountRepository accounts;

    ActingAccounts(AccountRepository accounts) {
        this.accounts = accounts;
    }

    /** The id of the managed account that {@code caller} acts for. */
    public UUID resolve(Caller caller, @Nullable UUID accountId) {
        if (caller.isAdmin()) {
            throw ApiException.forbidden("Platform operators do not act on managed accounts' environments and"
                    + " instances: the managed account, or its partner on its behalf, does.");
        }
        if (caller.isManaged()) {
            if (accountId != null && !accountId.equals(caller.accountId())) {
                throw notFound(accountId);
            }
            return caller.accountId();
        }
        if (accountId == null) {
            throw ApiException.invalidField(
                    "accountId",
                    "is required when a partner acts for one of its managed accounts: pass the managed account's id");
        }
        boolean own = accounts.findById(accountId)
                .filter(account -> account.type() == AccountType.MANAGED
                        && caller.accountId().equals(account.parentAccountId()))
                .isPresent();
        if (!own) {
            throw notFound(accountId);
        }
        return accountId;
    }

    private static ApiException notFound(UUID accountId) {
        return ApiException.notFound("There is no managed account " + accountId + " that you may act for. A partner"
                + " acts only for its own managed accounts (GET /api/v1/accounts); a managed account only for itself.");
    }
}
