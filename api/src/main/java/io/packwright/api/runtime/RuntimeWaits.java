package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.store.notify.Wake;
import io.packwright.api.problem.ApiException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** What the runtime protocol's two long-polls (desired state, execution claims) share about their waits. */
final class RuntimeWaits {

    /** How long a runtime refused a wait (too many open) is asked to wait before it retries. */
    private static final Duration RETRY_REFUSED_WAIT = Duration.ofSeconds(5);

    private RuntimeWaits() {}

    /**
     * The 429 of a wait that {@code DatabaseNotifications} refused ({@link Wake#REFUSED}), ready to
     * be thrown from a future's stage.
     */
    static CompletionException tooManyWaiting() {
        return new CompletionException(ApiException.tooManyRequests(
                "This api process has as many runtimes waiting as it allows (packwright.notifications.max-waiters)."
                        + " Retry after " + RETRY_REFUSED_WAIT.toSeconds() + " seconds (Retry-After); the operator"
                        + " can raise the limit or run more api processes.",
                RETRY_REFUSED_WAIT));
    }

    /** Ends a wait that is no longer needed; {@code null} when there was none. */
    static void cancel(@Nullable CompletableFuture<Wake> woken) {
        if (woken != null) {
            woken.cancel(false);
        }
    }
}
