package io.packwright.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code packwright.worker.sticky-execution=false} makes the worker ask for no sticky queue (a zero
 * sticky schedule-to-start timeout), which the SDK accepts; by default stickiness stays on.
 */
class StickyExecutionTest {

    private static WorkerProperties properties(boolean sticky) {
        return new WorkerProperties(16, 50, 2000, 2000, Duration.ofSeconds(30), Duration.ofMinutes(1), true, sticky);
    }

    @Test
    void stickinessCanBeTurnedOff() {
        WorkerOptions off = TemporalWorker.workerOptions(properties(false));
        WorkerOptions on = TemporalWorker.workerOptions(properties(true));

        assertEquals(Duration.ZERO, off.getStickyQueueScheduleToStartTimeout());
        assertNotEquals(Duration.ZERO, on.getStickyQueueScheduleToStartTimeout());
        try (TestWorkflowEnvironment environment = TestWorkflowEnvironment.newInstance()) {
            environment.getWorkerFactory().newWorker("sticky-off", off);
            environment.start();
        }
    }
}
