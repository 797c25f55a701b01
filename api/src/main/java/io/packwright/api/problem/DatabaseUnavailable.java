package io.packwright.api.problem;

import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database is too slow or too busy for this request: a 503 with {@code Retry-After}, never a
 * 500, because the request itself was fine. Handles a connection that the pool could not hand out
 * in time; {@link DataIntegrityHandler} turns statements cancelled by the statement timeout into
 * the same answer.
 */
@Singleton
class DatabaseUnavailable implements ExceptionHandler<CannotGetJdbcConnectionException, HttpResponse<?>> {

    /** Long enough for a burst to drain, short enough for an interactive client. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseUnavailable.class);

    private final ApiExceptionHandler problems;

    DatabaseUnavailable(ApiExceptionHandler problems) {
        this.problems = problems;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, CannotGetJdbcConnectionException exception) {
        LOG.warn("{} {} got no database connection in time", request.getMethodName(), request.getPath(), exception);
        return problems.handle(
                request,
                ApiException.unavailable(
                        "The service is too busy to reach its database right now; nothing was changed. Retry in "
                                + RETRY_AFTER.toSeconds() + " seconds.",
                        RETRY_AFTER));
    }

    /** 503 for a statement that the database cancelled: it took longer than the statement timeout. */
    static ApiException statementCancelled() {
        return ApiException.unavailable(
                "The database took too long to answer this request, so it was stopped and what it was writing was"
                        + " rolled back. Retry in " + RETRY_AFTER.toSeconds() + " seconds; if it keeps happening,"
                        + " report it to the operator with the time of the request.",
                RETRY_AFTER);
    }
}
