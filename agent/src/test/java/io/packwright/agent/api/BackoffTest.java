package io.packwright.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromOneSecondToThirtyWithJitterAndStartsOverAfterReset() {
        Backoff backoff = RetryPolicy.defaults().newBackoff();
        long[] bases = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
        for (long base : bases) {
            long delay = backoff.nextDelay().toMillis();
            assertTrue(delay >= base / 2 && delay <= base, delay + " not within the upper half of " + base);
        }
        assertEquals(bases.length, backoff.failures());

        backoff.reset();
        long delay = backoff.nextDelay().toMillis();
        assertTrue(delay >= 500 && delay <= 1000, "after a reset: " + delay);
    }

    @Test
    void jitterSpreadsTheDelays() {
        RetryPolicy defaults = RetryPolicy.defaults();
        RetryPolicy policy = new RetryPolicy(
                defaults.initialBackoff(),
                defaults.maxBackoff(),
                defaults.maxRetryAfter(),
                defaults.defaultRetryAfter(),
                defaults.sleeper(),
                new Random(7));
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Backoff backoff = policy.newBackoff();
            delays.add(backoff.nextDelay());
        }
        assertTrue(delays.stream().distinct().count() > 10, "runtimes would retry in step: " + delays);
    }
}
