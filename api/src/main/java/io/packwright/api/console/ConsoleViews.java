package io.packwright.api.console;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;

/** What the console's controllers share. */
final class ConsoleViews {

    private ConsoleViews() {}

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
