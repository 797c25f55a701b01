package io.packwright.activities.schedule;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * How process executions are run, {@code packwright.executions.*} (environment: {@code
 * PACKWRIGHT_EXECUTIONS_START_WINDOW}, {@code PACKWRIGHT_EXECUTIONS_LEASE}). The api and the worker
 * must agree on them.
 *
 * @param startWindow how long after its scheduled instant a queued execution may still be claimed;
 *     after it, it is {@code MISSED}
 * @param lease how long a claim (or its last heartbeat) holds; a runtime that does not heartbeat
 *     within it loses the execution, which becomes {@code TIMED_OUT}
 */
@ConfigurationProperties("packwright.executions")
public record ExecutionProperties(
        @Bindable(defaultValue = "5m") @NotNull Duration startWindow,
        @Bindable(defaultValue = "2m") @NotNull Duration lease) {

    /**
     * @throws ConfigurationException when a duration is shorter than a second
     */
    public ExecutionProperties {
        requireAtLeastASecond("start-window", startWindow);
        requireAtLeastASecond("lease", lease);
    }

    private static void requireAtLeastASecond(String key, Duration value) {
        if (value != null && value.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigurationException("packwright.executions." + key + " must be at least 1s, not " + value);
        }
    }
}
