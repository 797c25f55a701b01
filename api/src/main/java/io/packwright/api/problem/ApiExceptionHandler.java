package io.packwright.api.problem;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Renders {@link ApiException}s as problem responses, with {@code Retry-After} in whole seconds (at
 * least 1) when the exception says when to retry.
 */
@Singleton
public class ApiExceptionHandler implements ExceptionHandler<ApiException, HttpResponse<?>> {

    private final ErrorResponseProcessor<?> problems;

    ApiExceptionHandler(ErrorResponseProcessor<?> problems) {
        this.problems = problems;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, ApiException exception) {
        MutableHttpResponse<?> response = HttpResponse.status(exception.status());
        exception
                .retryAfter()
                .ifPresent(after -> response.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(after))));
        return problems.processResponse(
                ErrorContext.builder(request).cause(exception).build(), response);
    }

    /** {@code Retry-After} counts whole seconds: round up, so that a retry is never too early. */
    public static long retryAfterSeconds(Duration after) {
        long millis = Math.max(after.toMillis(), 1);
        return (millis + 999) / 1000;
    }

    /** A 500 problem for a failure that was already logged; its details stay out of the response. */
    HttpResponse<?> serverError(HttpRequest<?> request, Throwable cause) {
        return problems.processResponse(
                ErrorContext.builder(request).cause(cause).build(), HttpResponse.serverError());
    }
}
