package io.packwright.api.problem;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.packwright.activities.store.CappedList;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A request that the API refuses, with the status and the person-readable detail of the problem
 * response. Thrown anywhere below a controller; rolls back the surrounding transaction.
 */
public final class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final List<FieldError> errors;
    private final @Nullable Duration retryAfter;

    private ApiException(HttpStatus status, String detail, List<FieldError> errors) {
        this(status, detail, errors, null);
    }

    private ApiException(HttpStatus status, String detail, List<FieldError> errors, @Nullable Duration retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
        this.retryAfter = retryAfter;
    }

    /** 400: a malformed request, described in {@code detail}. */
    public static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail, List.of());
    }

    /** 400: one invalid field. */
    public static ApiException invalidField(String field, String message) {
        return new ApiException(
                HttpStatus.BAD_REQUEST, "'" + field + "' " + message + ".", List.of(new FieldError(field, message)));
    }

    /**
     * 400: one invalid field, with a detail that is a whole sentence of its own (and names the
     * field), which is also the field's message.
     */
    public static ApiException invalidField(FieldError error) {
        return new ApiException(HttpStatus.BAD_REQUEST, error.message(), List.of(error));
    }

    /**
     * 400: several invalid fields, each with its message. {@code errors} holds them all; the detail
     * names at most {@link CappedList#SHOWN}, since field names may carry keys, and counts the rest.
     */
    public static ApiException invalidFields(List<FieldError> errors) {
        String detail = "The request has invalid fields: "
                + CappedList.of(errors).describe(error -> "'" + error.field() + "' " + error.message(), "; ") + ".";
        return new ApiException(HttpStatus.BAD_REQUEST, detail, errors);
    }

    /** 401: the caller is not authenticated. */
    public static ApiException unauthorized(String detail) {
        return new ApiException(HttpStatus.UNAUTHORIZED, detail, List.of());
    }

    /** 403: the caller's role may not do this at all, or a feature is disabled. */
    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, detail, List.of());
    }

    /** 404: unknown, or belongs to another tenant (never say which). */
    public static ApiException notFound(String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, detail, List.of());
    }

    /** 409: conflicts with the current state. */
    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, detail, List.of());
    }

    /** 422: well-formed, but this resource's own configuration cannot take it. */
    public static ApiException unprocessable(String detail) {
        return new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, detail, List.of());
    }

    /** 429: the caller spent its request budget; it may retry after {@code retryAfter}. */
    public static ApiException tooManyRequests(String detail, Duration retryAfter) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, detail, List.of(), retryAfter);
    }

    /** 503: the service cannot answer now, through no fault of the request; retry after {@code retryAfter}. */
    public static ApiException unavailable(String detail, Duration retryAfter) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, detail, List.of(), retryAfter);
    }

    /** The HTTP status of the response. */
    public HttpStatus status() {
        return status;
    }

    /** The person-readable detail. */
    public String detail() {
        return getMessage();
    }

    /** The invalid fields, if any. */
    public List<FieldError> errors() {
        return errors;
    }

    /** When the client may try again ({@code Retry-After}), for 429 and 503. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
