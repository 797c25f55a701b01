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
 * Safety net for a constraint of the database that a service did not check first (typically a
 * race between two requests): a 409 problem instead of a 5xx. Other data access failures stay
 * server errors.
 */
@Singleton
class DataIntegrityHandler implements ExceptionHandler<DataAccessException, HttpResponse<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(DataIntegrityHandler.class);
    private static final String INTEGRITY_CONSTRAINT_VIOLATION_CLASS = "23";

    private final ApiExceptionHandler problems;

    DataIntegrityHandler(ApiExceptionHandler problems) {
        this.problems = problems;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, DataAccessException exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith(INTEGRITY_CONSTRAINT_VIOLATION_CLASS)) {
                LOG.info(
                        "{} {} conflicted with a database constraint: {}",
                        request.getMethodName(),
                        request.getPath(),
                        sql.getMessage());
                return problems.handle(
                        request,
                        ApiException.conflict(
                                "The request conflicts with the current state (another request changed it at the same"
                                        + " time). Read the resource again and retry."));
            }
        }
        LOG.error("{} {} failed to access the database", request.getMethodName(), request.getPath(), exception);
        return problems.serverError(request, exception);
    }
}
