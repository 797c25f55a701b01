package io.packwright.api.support;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.transaction.annotation.Transactional;
import java.util.Map;

/**
 * A test-only endpoint that runs one slow statement through the application's datasource and
 * transaction, as a service would; only in test contexts that set {@code packwright.test.slow-statements}.
 */
@Controller("/api/v1/test-only/slow-statements")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(property = "packwright.test.slow-statements", value = "true")
class SlowStatementController {

    private final JdbcOperations jdbc;

    SlowStatementController(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    @Post
    @Transactional
    Map<String, Object> sleep(@QueryValue double seconds) {
        jdbc.prepareStatement("SELECT pg_sleep(?)", statement -> {
            statement.setDouble(1, seconds);
            statement.executeQuery().close();
            return null;
        });
        return Map.of("slept", seconds);
    }
}
