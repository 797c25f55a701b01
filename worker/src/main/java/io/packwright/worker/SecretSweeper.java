package io.packwright.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.packwright.activities.secrets.SecretSweep;
import io.packwright.activities.secrets.SecretsProperties;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link SecretSweep} in the background of the worker: a pass right after start-up, then
 * {@code packwright.secrets.sweep-interval} (default 1 minute) after the end of the previous one.
 * A pass that fails is logged and the next one tries again; stopping the worker ends the pass after
 * its current batch. Every worker replica sweeps; they take different rows.
 *
 * <p>Progress is logged by the sweep and published as metrics: {@code
 * packwright.secrets.reencryption.remaining} (ciphertexts not under the current key after the last
 * pass: a key rotation is done when it is 0), {@code packwright.secrets.sweeps.queued} (packs still
 * to walk for keys that became secret), {@code packwright.secrets.undecryptable} (ciphertexts that no
 * configured key decrypts), and the counters {@code packwright.secrets.encrypted} and {@code
 * packwright.secrets.reencrypted}.
 */
@Singleton
final class SecretSweeper implements ApplicationEventListener<StartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(SecretSweeper.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final SecretSweep sweep;
    private final Duration interval;
    private final AtomicLong remaining = new AtomicLong();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong undecryptable = new AtomicLong();
    private final Counter encrypted;
    private final Counter reencrypted;
    private final AtomicInteger passes = new AtomicInteger();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "secret-sweeper");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopping;

    SecretSweeper(SecretSweep sweep, SecretsProperties properties, MeterRegistry meters) {
        this.sweep = sweep;
        this.interval = properties.sweepInterval();
        Gauge.builder("packwright.secrets.reencryption.remaining", remaining, AtomicLong::get)
                .description("Secret ciphertexts not under the current key after the last sweep")
                .register(meters);
        Gauge.builder("packwright.secrets.sweeps.queued", queued, AtomicLong::get)
                .description("Packs still to walk for extension keys that became secret")
                .register(meters);
        Gauge.builder("packwright.secrets.undecryptable", undecryptable, AtomicLong::get)
                .description("Secret ciphertexts that no configured key decrypts")
                .register(meters);
        this.encrypted = Counter.builder("packwright.secrets.encrypted")
                .description("Plain secret values and defaults encrypted by the sweep")
                .register(meters);
        this.reencrypted = Counter.builder("packwright.secrets.reencrypted")
                .description("Secret ciphertexts rewritten under the current key by the sweep")
                .register(meters);
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        scheduler.scheduleWithFixedDelay(this::passOrLog, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many passes ended (completely or not), for tests and diagnostics. */
    int passes() {
        return passes.get();
    }

    private void passOrLog() {
        try {
            SecretSweep.Pass pass = sweep.pass(() -> stopping);
            encrypted.increment(pass.valuesEncrypted() + pass.defaultsEncrypted());
            reencrypted.increment(pass.reencrypted());
            remaining.set(pass.remaining());
            queued.set(pass.queuedSweeps());
            undecryptable.set(pass.undecryptable());
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.warn("The secret sweep failed; the next one runs in {}", interval, e);
            }
        } finally {
            passes.incrementAndGet();
        }
    }

    @PreDestroy
    void stop() {
        stopping = true;
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                scheduler.shutdownNow();
                LOG.warn("The secret sweeper did not stop within {}", STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
