package io.packwright.worker;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** Records what happened to the activity, so that tests can tell a finished task from an interrupted one. */
@Singleton
@Requires(property = GreetingRegistrations.ENABLED, value = "true")
public class GreetingActivitiesImpl implements GreetingActivities {

    static final Duration SLOW = Duration.ofMillis(1500);

    final CountDownLatch started = new CountDownLatch(1);
    final AtomicBoolean completed = new AtomicBoolean();
    final AtomicBoolean interrupted = new AtomicBoolean();

    @Override
    public String compose(String name) {
        started.countDown();
        if (name.startsWith("slow")) {
            try {
                Thread.sleep(SLOW.toMillis());
            } catch (InterruptedException e) {
                interrupted.set(true);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        completed.set(true);
        return "Hello, " + name;
    }
}
