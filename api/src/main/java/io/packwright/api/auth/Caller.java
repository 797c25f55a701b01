package io.packwright.api.auth;

import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.store.account.AccountEntity;
import java.util.UUID;

/**
 * Who is calling: a platform operator, a partner or a managed account, resolved from a verified
 * token and the account table for each request.
 *
 * @param role the caller's role
 * @param subject the token's {@code sub}: {@code admin} or the account id
 * @param account the caller's account; {@code null} for a platform operator
 */
public record Caller(Role role, String subject, @Nullable AccountEntity account) {

    /** The subject of platform operators' tokens. */
    public static final String ADMIN_SUBJECT = "admin";

    /** The token role that marks a platform operator. */
    public static final String ADMIN_ROLE = "ADMIN";

    /** The three roles of the API. */
    public enum Role {
        ADMIN,
        PARTNER,
        MANAGED
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    public boolean isPartner() {
        return role == Role.PARTNER;
    }

    public boolean isManaged() {
        return role == Role.MANAGED;
    }

    /** The caller's account id; only for partners and managed accounts. */
    public UUID accountId() {
        if (account == null) {
            throw new IllegalStateException("a platform operator has no account");
        }
        return account.id();
    }
}
