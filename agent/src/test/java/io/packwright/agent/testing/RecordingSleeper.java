package io.packwright.agent.testing;

import io.packwright.agent.api.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Records the waits the agent asks for and waits only a few milliseconds of each. */
public final class RecordingSleeper implements RetryPolicy.Sleeper {

    private final List<Duration> delays = new ArrayList<>();

    @Override
    public void sleep(Duration delay) throws InterruptedException {
        synchronized (this) {
            delays.add(delay);
        }
        Thread.sleep(Math.min(delay.toMillis(), 5));
    }

    public synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }

    /** The agent's default policy, waiting through this sleeper. */
    public RetryPolicy policy() {
        RetryPolicy defaults = RetryPolicy.defaults();
        return new RetryPolicy(
                defaults.initialBackoff(),
                defaults.maxBackoff(),
                defaults.maxRetryAfter(),
                defaults.defaultRetryAfter(),
                this,
                new Random(42));
    }
}
