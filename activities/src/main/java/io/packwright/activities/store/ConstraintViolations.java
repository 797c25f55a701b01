package io.packwright.activities.store;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Recognises a named database constraint in a failure, so that a service can turn the race that the
 * constraint settles (two requests creating the same name at once) into a precise answer.
 */
public final class ConstraintViolations {

    private ConstraintViolations() {}

    /** Whether {@code failure} (or one of its causes) is a violation of {@code constraint}. */
    public static boolean violates(Throwable failure, String constraint) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PSQLException sql) {
                ServerErrorMessage server = sql.getServerErrorMessage();
                return server != null && constraint.equals(server.getConstraint());
            }
        }
        return false;
    }
}
