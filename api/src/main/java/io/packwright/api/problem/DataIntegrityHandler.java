package io.packwright.api.problem;

import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safety net for what the database refuses although validation let it through: a constraint that
 * a service did not check first (typically a race between two requests) is a 409, a value that
 * PostgreSQL cannot store (a NUL character in text, an out-of-range number) is a 400. A statement
 * that PostgreSQL cancelled (the statement timeout, {@code packwright.database.statement-timeout})
 * is a 503 with {@code Retry-After}: the request was fine, the database was too slow. Other data
 * access failures stay server errors. Either way the transaction was rolled back.
 */
@Singleton
class DataIntegrityHandler implements ExceptionHandler<DataAccessException, HttpResponse<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(DataIntegrityHandler.class);
    private static final String DATA_EXCEPTION_CLASS = "22";
    private static final String INTEGRITY_CONSTRAINT_VIOLATION_CLASS = "23";
    private static final String QUERY_CANCELED = "57014";

    private final ApiExceptionHandler problems;

    DataIntegrityHandler(ApiExceptionHandler problems) {
        this.problems = problems;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, DataAccessException exception) {
        String state = sqlState(exception);
        if (state.startsWith(INTEGRITY_CONSTRAINT_VIOLATION_CLASS)) {
            LOG.info(
                    "{} {} conflicted with a database constraint ({})",
                    request.getMethodName(),
                    request.getPath(),
                    state);
            return problems.handle(
                    request,
                    ApiException.conflict(
                            "The request conflicts with the current state (another request changed it at the same"
                                    + " time). Read the resource again and retry."));
        }
        if (state.startsWith(DATA_EXCEPTION_CLASS)) {
            LOG.info(
                    "{} {} sent a value the database cannot store ({})",
                    request.getMethodName(),
                    request.getPath(),
                    state);
            return problems.handle(
                    request,
                    ApiException.badRequest(
                            "A value in the request cannot be stored: text must not contain NUL (\\u0000) characters and"
                                    + " numbers must be within range."));
        }
        if (state.equals(QUERY_CANCELED)) {
            LOG.warn(
                    "{} {} was cancelled by the database (statement timeout)",
                    request.getMethodName(),
                    request.getPath(),
                    exception);
            return problems.handle(request, DatabaseUnavailable.statementCancelled());
        }
        LOG.error("{} {} failed to access the database", request.getMethodName(), request.getPath(), exception);
        return problems.serverError(request, exception);
    }

    private static String sqlState(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return "";
    }
}
