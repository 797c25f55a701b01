package io.packwright.worker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.transaction.TransactionOperations;
import io.packwright.activities.store.release.OpenReleaseStore;
import io.packwright.workflows.release.ReleaseStatus;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauge {@code packwright_releases{status=...}}: releases of live packs by status, read from
 * PostgreSQL every {@link #REFRESH} (one grouped scan of the releases table), so that a scrape of
 * {@code /prometheus} never queries the database. A refresh that fails keeps the last figures and
 * is logged; the next one tries again.
 */
@Singleton
@Requires(beans = MeterRegistry.class)
final class ReleaseStatusGauges implements ApplicationEventListener<StartupEvent> {

    static final Duration REFRESH = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseStatusGauges.class);

    private final OpenReleaseStore store;
    private final TransactionOperations<Connection> transactions;
    private final Map<ReleaseStatus, AtomicLong> releases = new EnumMap<>(ReleaseStatus.class);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "release-status-gauges");
        thread.setDaemon(true);
        return thread;
    });

    ReleaseStatusGauges(OpenReleaseStore store, TransactionOperations<Connection> transactions, MeterRegistry meters) {
        this.store = store;
        this.transactions = transactions;
        for (ReleaseStatus status : ReleaseStatus.values()) {
            AtomicLong count = new AtomicLong();
            releases.put(status, count);
            Gauge.builder("packwright.releases", count, AtomicLong::get)
                    .description("Releases of live packs by status")
                    .tag("status", status.name())
                    .register(meters);
        }
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        scheduler.scheduleWithFixedDelay(this::refreshOrLog, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the counts once. */
    void refresh() {
        transactions
                .executeRead(status -> store.countByStatus())
                .forEach((status, count) -> releases.get(status).set(count));
    }

    private void refreshOrLog() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("Could not count releases by status for the gauge; keeping the last figures: {}", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
