package io.packwright.agent.execute;

import java.time.Duration;
import java.util.Objects;

/**
 * The executions' waits that are not the operator's to choose; tests shorten them.
 *
 * @param minHeartbeat the shortest interval between heartbeats (the interval is a third of the
 *     lease, within these bounds)
 * @param maxHeartbeat the longest interval between heartbeats
 * @param killGrace how long a process asked to end (SIGTERM) after a timeout or a lost lease has
 *     before it is killed (SIGKILL)
 * @param stopGrace the same when the agent stops, shorter so that the agent stops quickly
 * @param stopReportTimeout how long the one report of an execution the agent stops may take
 * @param resultRetryFor how long a result is retried while the API cannot be reached (at least the
 *     lease is used, when longer)
 * @param outputDrain how long the output is read after the process ended, for output that a
 *     background process it left keeps open
 */
public record ExecutionTiming(
        Duration minHeartbeat,
        Duration maxHeartbeat,
        Duration killGrace,
        Duration stopGrace,
        Duration stopReportTimeout,
        Duration resultRetryFor,
        Duration outputDrain) {

    public ExecutionTiming {
        Objects.requireNonNull(minHeartbeat, "minHeartbeat");
        Objects.requireNonNull(maxHeartbeat, "maxHeartbeat");
        Objects.requireNonNull(killGrace, "killGrace");
        Objects.requireNonNull(stopGrace, "stopGrace");
        Objects.requireNonNull(stopReportTimeout, "stopReportTimeout");
        Objects.requireNonNull(resultRetryFor, "resultRetryFor");
        Objects.requireNonNull(outputDrain, "outputDrain");
        if (minHeartbeat.isNegative() || minHeartbeat.isZero() || maxHeartbeat.compareTo(minHeartbeat) < 0) {
            throw new IllegalArgumentException("need 0 < minHeartbeat <= maxHeartbeat");
        }
    }

    /**
     * Heartbeats every 5 to 60 s; 10 s to end after a timeout or a lost lease, 3 s when the agent
     * stops and 3 s for its report; results retried for 10 minutes; output read for 2 s after the
     * process ended.
     */
    public static ExecutionTiming defaults() {
        return new ExecutionTiming(
                Duration.ofSeconds(5),
                Duration.ofSeconds(60),
                Duration.ofSeconds(10),
                Duration.ofSeconds(3),
                Duration.ofSeconds(3),
                Duration.ofMinutes(10),
                Duration.ofSeconds(2));
    }

    /** A third of the lease, within {@link #minHeartbeat()} and {@link #maxHeartbeat()}. */
    Duration heartbeatInterval(Duration lease) {
        if (lease == null) {
            return minHeartbeat;
        }
        Duration third = lease.dividedBy(3);
        if (third.compareTo(minHeartbeat) < 0) {
            return minHeartbeat;
        }
        return third.compareTo(maxHeartbeat) > 0 ? maxHeartbeat : third;
    }
}
