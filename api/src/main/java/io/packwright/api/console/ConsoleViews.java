package io.packwright.api.console;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.packwright.api.auth.Caller;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What the console's controllers share. */
final class ConsoleViews {

    private ConsoleViews() {}

    /** Where a request without a session goes. */
    static HttpResponse<?> signIn() {
        return HttpResponse.seeOther(URI.create(ConsolePaths.SIGN_IN));
    }

    /** The parameters of a page of the layout: its {@code page}. */
    static Model model(HttpRequest<?> request, Caller caller, String title) {
        return new Model().with("page", ConsolePage.of(title, csrfToken(request), caller));
    }

    /** An id from a URL; empty when it is none (the page is then not found). */
    static Optional<UUID> id(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A template's parameters. */
    static final class Model {
        private final Map<String, Object> values = new HashMap<>();

        Model with(String name, @Nullable Object value) {
            values.put(name, value);
            return this;
        }

        Map<String, Object> map() {
            return values;
        }
    }

    /** The CSRF token of the request, which {@link ConsoleCsrfFilter} put there. */
    static String csrfToken(HttpRequest<?> request) {
        return request.getAttribute(ConsoleCsrfFilter.TOKEN_ATTRIBUTE, String.class)
                .orElseThrow(() -> new IllegalStateException("the console's CSRF filter did not run"));
    }

    /**
     * Where to go after a state-changing request, which always comes from htmx (it alone sends the
     * CSRF token): htmx follows {@code HX-Redirect} with a full page load.
     */
    static MutableHttpResponse<?> redirect(String path) {
        return HttpResponse.status(HttpStatus.NO_CONTENT).header("HX-Redirect", path);
    }
}
