package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.scheduling.TaskExecutors;
import io.packwright.activities.store.notify.DatabaseNotifications;
import io.packwright.activities.store.notify.NotificationChannel;
import io.packwright.activities.store.notify.Wake;
import io.packwright.activities.store.runtime.RuntimeIdentity;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The runtime's view of its environment's desired state, with the long-poll: a request that names
 * the revision it has ({@code If-None-Match}) and a {@code waitSeconds} is answered once the
 * revision changes (200 with the new state), or with 304 when the wait ends first.
 *
 * <p>A waiting request holds neither a thread nor a database connection: it is a future registered
 * with {@link DatabaseNotifications}, which the triggers that bump the revision (migration V9) wake
 * through {@link NotificationChannel#ENVIRONMENT_CHANGED} when their transaction commits. The order
 * of {@link DatabaseNotifications} is kept: the wait is registered before the revision is read, so a
 * change that commits in between is either seen by the read or wakes the wait. Every wake reads the
 * revision again: a notification only says that something may have changed (also a revocation: a
 * revoked runtime's wait ends with 401).
 */
@Singleton
class DesiredStates {

    /** The longest wait a request may ask for. */
    static final int MAX_WAIT_SECONDS = 60;

    private final DesiredStateService states;
    private final DatabaseNotifications notifications;
    private final ExecutorService blocking;

    DesiredStates(
            DesiredStateService states,
            DatabaseNotifications notifications,
            @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.states = states;
        this.notifications = notifications;
        this.blocking = blocking;
    }

    /**
     * Answers at once unless the request names a revision ({@code ifNoneMatch}) and a positive wait,
     * asks for the first page, and the revision is still the one it names. Call it off the event
     * loop.
     */
    CompletableFuture<HttpResponse<DesiredStateResponse>> get(
            RuntimeIdentity runtime,
            @Nullable String ifNoneMatch,
            @Nullable Integer waitSeconds,
            @Nullable Integer limit,
            @Nullable String pageToken) {
        if (waitSeconds != null && (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS)) {
            throw ApiException.invalidField(
                    "waitSeconds", "must be between 0 and " + MAX_WAIT_SECONDS + " (seconds to wait for a change)");
        }
        PageRequest page = PageRequest.of(limit, pageToken);
        Long known = pageToken == null ? revisionOf(ifNoneMatch) : null;
        if (known == null) {
            return CompletableFuture.completedFuture(ok(states.read(runtime, page)));
        }
        long deadline = System.nanoTime()
                + Duration.ofSeconds(waitSeconds == null ? 0 : waitSeconds).toNanos();
        return poll(runtime, known, page, deadline);
    }

    private CompletableFuture<HttpResponse<DesiredStateResponse>> poll(
            RuntimeIdentity runtime, long known, PageRequest page, long deadline) {
        long left = deadline - System.nanoTime();
        CompletableFuture<Wake> woken = left > 0
                ? notifications.await(
                        NotificationChannel.ENVIRONMENT_CHANGED,
                        runtime.environmentId().toString(),
                        Duration.ofNanos(left))
                : null;
        long revision;
        try {
            revision = states.revision(runtime);
        } catch (RuntimeException e) {
            RuntimeWaits.cancel(woken);
            throw e;
        }
        if (revision != known) {
            RuntimeWaits.cancel(woken);
            return CompletableFuture.completedFuture(ok(states.read(runtime, page)));
        }
        if (woken == null) {
            return CompletableFuture.completedFuture(notModified(revision));
        }
        return woken.thenComposeAsync(wake -> woken(wake, runtime, known, page, deadline), blocking);
    }

    /**
     * After a wake: the state is read at once (its revision tells whether it changed), so that a
     * change costs one read, not a check and then a read; a timeout checks the revision one last
     * time.
     */
    private CompletableFuture<HttpResponse<DesiredStateResponse>> woken(
            Wake wake, RuntimeIdentity runtime, long known, PageRequest page, long deadline) {
        if (wake == Wake.REFUSED) {
            throw RuntimeWaits.tooManyWaiting();
        }
        if (wake == Wake.NOTIFIED) {
            DesiredStateResponse state = states.read(runtime, page);
            if (state.revision() != known) {
                return CompletableFuture.completedFuture(ok(state));
            }
        }
        return poll(runtime, known, page, deadline);
    }

    /**
     * The revision an {@code If-None-Match} names: {@code "17"}, {@code W/"17"} or {@code 17}. A
     * value that names no revision of ours (another form, a list, {@code *}) matches nothing, so it
     * gets the state at once.
     */
    @Nullable
    static Long revisionOf(@Nullable String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return null;
        }
        String tag = ifNoneMatch.strip();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        if (tag.isEmpty() || tag.length() > 18 || !tag.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Long.parseLong(tag);
    }

    static String etag(long revision) {
        return "\"" + revision + "\"";
    }

    // the state carries decrypted secrets: no cache on the way may keep it
    private static MutableHttpResponse<DesiredStateResponse> ok(DesiredStateResponse state) {
        return HttpResponse.ok(state)
                .header(HttpHeaders.ETAG, etag(state.revision()))
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    private static MutableHttpResponse<DesiredStateResponse> notModified(long revision) {
        return HttpResponse.<DesiredStateResponse>notModified()
                .header(HttpHeaders.ETAG, etag(revision))
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
    }
}
