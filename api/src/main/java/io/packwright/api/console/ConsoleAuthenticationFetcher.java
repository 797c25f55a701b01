package io.packwright.api.console;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * The console session behind a request to {@code /console/**}: the authentication its cookie signed,
 * which the services take as they take a verified token's. Requests to any other path never read the
 * cookie.
 */
@Singleton
class ConsoleAuthenticationFetcher implements AuthenticationFetcher<HttpRequest<?>> {

    private final ConsoleSessions sessions;

    ConsoleAuthenticationFetcher(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
        if (!ConsolePaths.isConsole(request.getPath())) {
            return Publishers.empty();
        }
        return sessions.authentication(request).map(Publishers::just).orElseGet(Publishers::empty);
    }
}
