package io.packwright.api.auth;

import io.micronaut.security.authentication.Authentication;
import io.packwright.activities.store.account.AccountEntity;
import io.packwright.activities.store.account.AccountRepository;
import io.packwright.activities.store.account.AccountType;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * Resolves the {@link Caller} of a request from its verified JWT: {@code sub} {@code admin} with the
 * role {@code ADMIN} is a platform operator; any other {@code sub} must be the id of an existing
 * account, whose type gives the role. Anything else is not a valid token for this service (401).
 */
@Singleton
public class CallerResolver {

    private final AccountRepository accounts;

    CallerResolver(AccountRepository accounts) {
        this.accounts = accounts;
    }

    /** The caller behind {@code authentication}; needs a database round trip, call it off the event loop. */
    public Caller resolve(Authentication authentication) {
        String subject = authentication.getName();
        if (Caller.ADMIN_SUBJECT.equals(subject)) {
            if (!authentication.getRoles().contains(Caller.ADMIN_ROLE)) {
                throw ApiException.unauthorized("The token's subject is 'admin' but it lacks the role 'ADMIN'.");
            }
            return new Caller(Caller.Role.ADMIN, subject, null);
        }
        UUID accountId;
        try {
            accountId = UUID.fromString(subject);
        } catch (IllegalArgumentException notAnId) {
            throw ApiException.unauthorized("The token's subject must be 'admin' or an account id.");
        }
        AccountEntity account = accounts.findById(accountId)
                .orElseThrow(() -> ApiException.unauthorized("The token's subject is not a known account."));
        return new Caller(
                account.type() == AccountType.PARTNER ? Caller.Role.PARTNER : Caller.Role.MANAGED, subject, account);
    }
}
