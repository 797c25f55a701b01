package io.packwright.api.problem;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/** Renders {@link ApiException}s as problem responses. */
@Singleton
class ApiExceptionHandler implements ExceptionHandler<ApiException, HttpResponse<?>> {

    private final ErrorResponseProcessor<?> problems;

    ApiExceptionHandler(ErrorResponseProcessor<?> problems) {
        this.problems = problems;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, ApiException exception) {
        return problems.processResponse(
                ErrorContext.builder(request).cause(exception).build(), HttpResponse.status(exception.status()));
    }

    /** A 500 problem for a failure that was already logged; its details stay out of the response. */
    HttpResponse<?> serverError(HttpRequest<?> request, Throwable cause) {
        return problems.processResponse(
                ErrorContext.builder(request).cause(cause).build(), HttpResponse.serverError());
    }
}
