package io.packwright.api.ratelimit;

import io.micronaut.security.authentication.Authentication;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.RuntimeAuthentication;

/**
 * Whose budget a request spends, from its verified token alone (no database read, so that it can be
 * decided on the event loop before any work is done): a platform operator, or an account by its id
 * (the token's {@code sub}), or a runtime by its runtime id, so that the runtimes of an account do not
 * share one budget with the account's people. A runtime's identity was resolved by its token's
 * validation already.
 *
 * @param kind what kind of caller
 * @param id who among that kind
 */
record RatePrincipal(Kind kind, String id) {

    /** The kinds of callers that have budgets. */
    enum Kind {
        OPERATOR,
        ACCOUNT,
        RUNTIME
    }

    static RatePrincipal of(Authentication authentication) {
        String subject = authentication.getName();
        if (RuntimeAuthentication.identity(authentication).isPresent()) {
            return new RatePrincipal(Kind.RUNTIME, subject);
        }
        return Caller.ADMIN_SUBJECT.equals(subject)
                ? new RatePrincipal(Kind.OPERATOR, subject)
                : new RatePrincipal(Kind.ACCOUNT, subject);
    }
}
