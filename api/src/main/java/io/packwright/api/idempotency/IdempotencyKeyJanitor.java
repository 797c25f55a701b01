package io.packwright.api.idempotency;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import io.packwright.activities.store.idempotency.IdempotencyKeyRepository;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Forgets idempotency keys after their retention period (default 24 hours). */
@Singleton
class IdempotencyKeyJanitor implements ApplicationEventListener<ServerStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeyJanitor.class);

    private final IdempotencyKeyRepository keys;
    private final Clock clock;
    private final TaskScheduler scheduler;
    private final IdempotencyProperties properties;

    IdempotencyKeyJanitor(
            IdempotencyKeyRepository keys,
            Clock clock,
            @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler,
            IdempotencyProperties properties) {
        this.keys = keys;
        this.clock = clock;
        this.scheduler = scheduler;
        this.properties = properties;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent started) {
        scheduler.scheduleWithFixedDelay(Duration.ofMinutes(1), properties.cleanupInterval(), this::forgetExpiredKeys);
    }

    @Transactional
    void forgetExpiredKeys() {
        int removed = keys.deleteOlderThan(clock.instant().minus(properties.retention()));
        if (removed > 0) {
            LOG.info("forgot {} idempotency keys older than {}", removed, properties.retention());
        }
    }
}
