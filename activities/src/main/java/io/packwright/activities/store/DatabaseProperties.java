package io.packwright.activities.store;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * Limits of this process's database sessions, {@code packwright.database.*} (environment: {@code
 * PACKWRIGHT_DATABASE_STATEMENT_TIMEOUT}).
 *
 * @param statementTimeout PostgreSQL's {@code statement_timeout} of every connection of the default
 *     datasource: a statement that runs longer is cancelled (SQLState {@code 57014}) and its
 *     transaction rolls back, so that one slow statement cannot hold a pooled connection and its
 *     locks for longer; {@code 0} turns the limit off. The api answers a cancelled statement with
 *     503 and {@code Retry-After}. The worker's default is larger (its {@code application.yml}):
 *     fan-out batches are set-based statements over up to 10,000 instances
 */
@ConfigurationProperties("packwright.database")
public record DatabaseProperties(
        @Bindable(defaultValue = "10s") @NotNull Duration statementTimeout) {

    /**
     * @throws ConfigurationException when the timeout is negative
     */
    public DatabaseProperties {
        if (statementTimeout != null && statementTimeout.isNegative()) {
            throw new ConfigurationException(
                    "packwright.database.statement-timeout (PACKWRIGHT_DATABASE_STATEMENT_TIMEOUT) must not be negative,"
                            + " not " + statementTimeout);
        }
    }
}
