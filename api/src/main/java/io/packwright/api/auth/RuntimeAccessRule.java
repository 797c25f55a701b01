package io.packwright.api.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.IpPatternsRule;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * Keeps runtimes and people apart: a runtime token may call only {@code /api/v1/runtime/**}, and
 * only a runtime token may call it; each other combination is a {@code 403}. Checked before every
 * other rule; it never allows anything by itself. {@link Tenancy} refuses the wrong kind of caller
 * too, so that a path the router would resolve differently than this prefix cannot slip through.
 */
@Singleton
class RuntimeAccessRule implements SecurityRule<HttpRequest<?>> {

    @Override
    public Publisher<SecurityRuleResult> check(HttpRequest<?> request, @Nullable Authentication authentication) {
        if (authentication == null) {
            return Publishers.just(SecurityRuleResult.UNKNOWN);
        }
        boolean runtime = RuntimeAuthentication.identity(authentication).isPresent();
        return Publishers.just(
                RuntimeAuthentication.isRuntimePath(request.getPath()) == runtime
                        ? SecurityRuleResult.UNKNOWN
                        : SecurityRuleResult.REJECTED);
    }

    @Override
    public int getOrder() {
        return IpPatternsRule.ORDER - 100;
    }
}
