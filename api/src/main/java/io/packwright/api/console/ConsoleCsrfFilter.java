package io.packwright.api.console;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.util.Optional;
import java.util.Set;

/**
 * CSRF protection of the console: every request other than {@code GET}, {@code HEAD} and {@code
 * OPTIONS} must carry, in {@value ConsoleSessions#CSRF_HEADER}, the token of the browser's own {@value
 * ConsoleSessions#CSRF_COOKIE} (signed double submit: another site can neither read the cookie nor
 * compute the token), else it is refused with {@code 403} before any controller runs. A browser
 * without the cookie gets one with its first page; the pages hand the token to htmx, which sends it
 * with every request.
 */
@ServerFilter(ConsolePaths.ROOT + "/**")
class ConsoleCsrfFilter implements Ordered {

    /** The request attribute holding the token that the page being rendered hands to htmx. */
    static final String TOKEN_ATTRIBUTE = "packwright.console.csrf-token";

    private static final String NEW_NONCE_ATTRIBUTE = "packwright.console.csrf-new-nonce";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final ConsoleSessions sessions;

    ConsoleCsrfFilter(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> check(HttpRequest<?> request) {
        if (!SAFE.contains(request.getMethod()) && !sessions.csrfValid(request)) {
            return HttpResponse.status(HttpStatus.FORBIDDEN)
                    .contentType(MediaType.TEXT_PLAIN_TYPE)
                    .body("This request lacks the console's CSRF token, or it does not match this browser's:"
                            + " reload the page and try again.");
        }
        Optional<String> nonce = request.getCookies()
                .findCookie(ConsoleSessions.CSRF_COOKIE)
                .map(cookie -> cookie.getValue())
                .filter(value -> !value.isEmpty());
        String current = nonce.orElseGet(() -> {
            String fresh = sessions.newCsrfNonce();
            request.setAttribute(NEW_NONCE_ATTRIBUTE, fresh);
            return fresh;
        });
        request.setAttribute(TOKEN_ATTRIBUTE, sessions.csrfToken(current));
        return null;
    }

    @ResponseFilter
    void issue(HttpRequest<?> request, MutableHttpResponse<?> response) {
        request.getAttribute(NEW_NONCE_ATTRIBUTE, String.class)
                .ifPresent(nonce -> response.cookie(sessions.csrfCookie(request, nonce)));
    }

    /** Runs before the security filter, so that a forged request is refused whoever it claims to be. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before();
    }
}
