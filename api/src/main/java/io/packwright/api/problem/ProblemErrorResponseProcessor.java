package io.packwright.api.problem;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.bind.exceptions.UnsatisfiedArgumentException;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.json.JsonSyntaxException;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.exceptions.SerdeException;
import io.packwright.api.auth.RuntimeAuthentication;
import io.packwright.api.auth.Tenancy;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;

/**
 * Turns every error response of the server into {@code application/problem+json}: our own {@link
 * ApiException}s and the framework's (unknown route, wrong method or media type, unreadable body,
 * unconvertible parameter, authentication). Details of framework errors are rewritten into safe,
 * actionable sentences; they never carry exception messages, class names or stack traces.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {

    private static final MediaType PROBLEM_JSON = MediaType.of(Problem.MEDIA_TYPE);

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        Throwable cause = context.getRootCause().orElse(null);
        if (response.getStatus() == HttpStatus.BAD_REQUEST && isUnreadableBody(cause)) {
            cause = BodyErrors.describe(cause);
        }
        Problem problem;
        if (cause instanceof ApiException api) {
            response.status(api.status());
            problem = problem(api.status(), api.detail(), api.errors());
        } else {
            HttpStatus status = response.getStatus();
            problem = problem(status, frameworkDetail(status, context.getRequest(), cause, response), List.of());
        }
        return response.contentType(PROBLEM_JSON).body(problem);
    }

    /** A problem for {@code status}, typed by the status. */
    static Problem problem(HttpStatus status, String detail, List<FieldError> errors) {
        String slug = !errors.isEmpty()
                ? "validation-failed"
                : status.getReason().toLowerCase(Locale.ROOT).replace(' ', '-');
        return new Problem(
                "urn:packwright:problem:" + slug,
                status.getReason(),
                status.getCode(),
                detail,
                errors.isEmpty() ? null : errors);
    }

    private static String frameworkDetail(
            HttpStatus status, HttpRequest<?> request, Throwable cause, MutableHttpResponse<?> response) {
        String route = request.getMethodName() + " " + request.getPath();
        return switch (status) {
            case BAD_REQUEST ->
                request.getContentLength() <= 0 && request.getMethod().permitsRequestBody()
                        ? "A JSON request body is required."
                        : badRequestDetail(cause);
            case UNAUTHORIZED ->
                RuntimeAuthentication.isRuntimePath(request.getPath())
                        ? "Authentication is required: send 'Authorization: Bearer pwrt_…' with the token of a"
                                + " runtime of this environment that has not been revoked."
                        : "Authentication is required: send 'Authorization: Bearer <JWT>' with a token that"
                                + " is signed for this service and has not expired.";
            case FORBIDDEN -> forbiddenDetail(request, route);
            case NOT_FOUND ->
                "There is no resource at " + route
                        + ". Check the path against the API reference (/swagger-ui/index.html).";
            case METHOD_NOT_ALLOWED ->
                request.getMethodName() + " is not allowed on " + request.getPath() + allowed(response) + ".";
            case UNSUPPORTED_MEDIA_TYPE -> "Send the request body as 'Content-Type: application/json'.";
            case NOT_ACCEPTABLE -> "This API answers with application/json (errors with application/problem+json).";
            case REQUEST_ENTITY_TOO_LARGE -> "The request body is too large.";
            default ->
                status.getCode() >= 500
                        ? "An unexpected error occurred and was logged; nothing was changed. Retry later, or report it"
                                + " to the operator with the time of the request."
                        : status.getReason() + ".";
        };
    }

    // the runtime access rule refuses without a word of its own: say which side of it the caller is on
    private static String forbiddenDetail(HttpRequest<?> request, String route) {
        boolean runtime = request.getUserPrincipal(Authentication.class)
                .flatMap(RuntimeAuthentication::identity)
                .isPresent();
        if (runtime) {
            return Tenancy.RUNTIME_ELSEWHERE;
        }
        if (RuntimeAuthentication.isRuntimePath(request.getPath())) {
            return Tenancy.NOT_A_RUNTIME;
        }
        return "Your role may not call " + route + ".";
    }

    private static boolean isUnreadableBody(Throwable cause) {
        if (cause instanceof ConversionErrorException conversion) {
            return conversion.getArgument().isAnnotationPresent(Body.class);
        }
        return cause instanceof JsonSyntaxException || cause instanceof SerdeException;
    }

    private static String allowed(MutableHttpResponse<?> response) {
        List<String> allowed = response.getHeaders().getAll(HttpHeaders.ALLOW);
        return allowed.isEmpty() ? "" : "; allowed: " + String.join(", ", allowed);
    }

    private static String badRequestDetail(Throwable cause) {
        if (cause instanceof ConversionErrorException conversion) {
            return "Parameter '" + conversion.getArgument().getName() + "' has a value of the wrong type.";
        }
        if (cause instanceof UnsatisfiedArgumentException unsatisfied) {
            return unsatisfied.getArgument().isAnnotationPresent(Body.class)
                    ? "A JSON request body is required."
                    : "Required parameter '" + unsatisfied.getArgument().getName() + "' is missing.";
        }
        return "The request cannot be read. Send a JSON object with the documented fields and types.";
    }
}
