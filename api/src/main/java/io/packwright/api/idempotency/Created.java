package io.packwright.api.idempotency;

import io.micronaut.http.HttpStatus;

/**
 * The response of a creating request: what {@link IdempotentCreations} stores and replays.
 *
 * @param status 201, or 202 for work that continues asynchronously
 * @param body the created resource
 * @param location the URI of the created resource
 */
public record Created<T>(HttpStatus status, T body, String location) {

    /** A 201 response. */
    public static <T> Created<T> created(T body, String location) {
        return new Created<>(HttpStatus.CREATED, body, location);
    }
}
