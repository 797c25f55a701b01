package io.packwright.api.console;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.views.ModelAndView;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

/** What the console's controllers share. */
final class ConsoleViews {

    private ConsoleViews() {}

    /** Where a request without a session goes. */
    static HttpResponse<?> signIn() {
        return HttpResponse.seeOther(URI.create(ConsolePaths.SIGN_IN));
    }

    /** The service's refusals (or the form's problems), shown where the action's result goes. */
    static HttpResponse<?> alert(List<String> messages) {
        return HttpResponse.ok(new ModelAndView<>("alert", Map.of("messages", messages)));
    }

    /** The parameters of a page of the layout: its {@code page}. */
    static Model model(HttpRequest<?> request, Caller caller, String title) {
        return new Model().with("page", ConsolePage.of(title, csrfToken(request), caller));
    }

    /**
     * Runs {@code action} for the signed-in caller and the id of the URL (a pack's, a release's…); a
     * request without a session goes to the sign-in page, an id that is none is a page not found.
     * Whether what it names is the caller's is for the service that {@code action} calls to say.
     */
    static HttpResponse<?> forId(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            String id,
            Tenancy tenancy,
            BiFunction<Caller, UUID, HttpResponse<?>> action) {
        if (authentication == null) {
            return signIn();
        }
        Caller caller = tenancy.caller(authentication);
        Optional<UUID> parsed = id(id);
        if (parsed.isEmpty()) {
            return ConsoleErrors.notFound(request, caller);
        }
        return action.apply(caller, parsed.get());
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
