package io.packwright.api.idempotency;

import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import io.packwright.activities.store.idempotency.IdempotencyStore;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Forgets idempotency keys after their retention period (default 24 hours). */
@Singleton
class IdempotencyKeyJanitor {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeyJanitor.class);

    private final IdempotencyStore store;
    private final Clock clock;
    private final Duration retention;

    IdempotencyKeyJanitor(
            IdempotencyStore store, Clock clock, @Value("${packwright.idempotency.retention:24h}") Duration retention) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
    }

    @Scheduled(fixedDelay = "${packwright.idempotency.cleanup-interval:1h}", initialDelay = "1m")
    @Transactional
    void forgetExpiredKeys() {
        int removed = store.deleteOlderThan(clock.instant().minus(retention));
        if (removed > 0) {
            LOG.info("forgot {} idempotency keys older than {}", removed, retention);
        }
    }
}
