package io.packwright.api.console;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.views.ModelAndView;
import io.packwright.api.auth.Caller;
import io.packwright.api.problem.ApiException;

/** The console's error pages: the service's own words, with its status. */
final class ConsoleErrors {

    private ConsoleErrors() {}

    static HttpResponse<?> notFound(HttpRequest<?> request, Caller caller) {
        return page(request, caller, ApiException.notFound("There is no such page, or it is not yours."));
    }

    static HttpResponse<?> page(HttpRequest<?> request, Caller caller, ApiException error) {
        return HttpResponse.status(error.status())
                .body(new ModelAndView<>(
                        "error",
                        ConsoleViews.model(request, caller, title(error.status()))
                                .with("detail", error.detail())
                                .map()));
    }

    private static String title(HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> "Not found";
            case FORBIDDEN -> "Not allowed";
            default -> "Something went wrong";
        };
    }
}
