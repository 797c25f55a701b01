package io.packwright.api.auth;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import io.packwright.activities.store.runtime.RuntimeIdentity;
import io.packwright.activities.store.runtime.RuntimeRepository;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Publisher;

/**
 * Authenticates runtime tokens ({@code Authorization: Bearer pwrt_…}) by the SHA-256 of the token,
 * on every request, so that a revoked token is refused from the commit that deleted it on. Other
 * bearer tokens are left to the JWT validator. The lookup runs on the blocking executor, never on
 * the event loop. A runtime's {@code lastSeenAt} is written at most once per {@link #SEEN_EVERY}.
 */
@Singleton
class RuntimeTokenValidator implements TokenValidator<HttpRequest<?>> {

    /** How precise a runtime's {@code lastSeenAt} is: one write per runtime and interval. */
    static final Duration SEEN_EVERY = Duration.ofMinutes(1);

    private final RuntimeRepository runtimes;
    private final ExecutorService blocking;
    private final Clock clock;

    RuntimeTokenValidator(
            RuntimeRepository runtimes, @Named(TaskExecutors.BLOCKING) ExecutorService blocking, Clock clock) {
        this.runtimes = runtimes;
        this.blocking = blocking;
        this.clock = clock;
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        if (!RuntimeTokens.isRuntimeToken(token)) {
            return Publishers.empty();
        }
        return Publishers.fromCompletableFuture(
                () -> CompletableFuture.supplyAsync(() -> authenticate(token).orElse(null), blocking));
    }

    private Optional<Authentication> authenticate(String token) {
        Optional<RuntimeIdentity> found = runtimes.findByToken(RuntimeTokens.sha256(token));
        found.ifPresent(this::seen);
        return found.map(RuntimeAuthentication::of);
    }

    private void seen(RuntimeIdentity identity) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant seenAfter = now.minus(SEEN_EVERY);
        if (identity.lastSeenAt() == null || identity.lastSeenAt().isBefore(seenAfter)) {
            runtimes.touch(identity.runtimeId(), now, seenAfter);
        }
    }
}
