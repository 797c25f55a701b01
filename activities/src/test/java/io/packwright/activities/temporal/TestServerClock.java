package io.packwright.activities.temporal;

import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The time of Temporal's time-skipping test server, in UTC, for activities under test that judge
 * deadlines and due times by their clock: they then see the time the workflow skipped to.
 */
public final class TestServerClock extends Clock {

    private final TestWorkflowEnvironment testEnv;

    public TestServerClock(TestWorkflowEnvironment testEnv) {
        this.testEnv = testEnv;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the test server's clock is UTC");
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(testEnv.currentTimeMillis());
    }
}
