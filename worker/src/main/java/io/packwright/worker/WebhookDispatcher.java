package io.packwright.worker;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.packwright.activities.store.notify.DatabaseNotifications;
import io.packwright.activities.store.notify.NotificationChannel;
import io.packwright.activities.store.webhook.WebhookDeliveryStore;
import io.packwright.activities.store.webhook.WebhookDeliveryStore.Dispatch;
import io.packwright.activities.webhook.WebhookEndpointWorkflows;
import io.packwright.activities.webhook.WebhookProperties;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves webhook events from the outbox into deliveries ({@link WebhookDeliveryStore#dispatch}) and
 * signals the workflows of the endpoints that got some. It wakes on the outbox's notification (sent
 * by the commit of every transaction that wrote an event) and, whatever happens to notifications,
 * every {@link #IDLE} . The rows are the truth: the events and their deliveries commit together, so
 * a crash loses nothing (a worker that starts dispatches what is left), and a signal lost in a crash
 * is made good by {@link ReleaseReconciler#reconcileWebhookEndpoints}. Dispatchers of several workers
 * take turns on a database lock. Once an hour it also forgets the events older than {@code
 * packwright.webhooks.retention}, with their deliveries.
 */
@Singleton
final class WebhookDispatcher implements ApplicationEventListener<StartupEvent> {

    /** Events per transaction. */
    static final int BATCH = 500;

    /** The longest wait between two looks at the outbox. */
    static final Duration IDLE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final Duration FAILURE_DELAY = Duration.ofSeconds(2);

    /** How often the events older than the retention are forgotten, and how many per transaction. */
    static final Duration FORGET_EVERY = Duration.ofHours(1);

    static final int FORGET_BATCH = 1_000;

    private final WebhookDeliveryStore store;
    private final WebhookEndpointWorkflows workflows;
    private final DatabaseNotifications notifications;
    private final Clock clock;
    private final Duration retention;
    private final Thread thread;
    private Instant forgotten = Instant.MIN;
    private volatile boolean stopping;

    WebhookDispatcher(
            WebhookDeliveryStore store,
            WebhookEndpointWorkflows workflows,
            DatabaseNotifications notifications,
            WebhookProperties properties,
            Clock clock) {
        this.store = store;
        this.workflows = workflows;
        this.notifications = notifications;
        this.clock = clock;
        this.retention = properties.retention();
        this.thread = new Thread(this::run, "webhook-dispatcher");
        this.thread.setDaemon(true);
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        thread.start();
    }

    private void run() {
        while (!stopping) {
            // registered before the outbox is read: an event committed after the read wakes it
            CompletableFuture<?> woken =
                    notifications.await(NotificationChannel.WEBHOOK_EVENTS, NotificationChannel.OUTBOX_KEY, IDLE);
            try {
                dispatchAll();
                forgetExpired();
                woken.get(IDLE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // look again
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                LOG.warn("Dispatching webhook events failed; trying again in {}", FAILURE_DELAY, e);
                if (!pause(FAILURE_DELAY)) {
                    return;
                }
            } finally {
                woken.cancel(false);
            }
        }
    }

    /** @return false when interrupted (the dispatcher stops) */
    private static boolean pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Dispatches until the outbox is empty. */
    int dispatchAll() {
        int events = 0;
        Dispatch dispatch;
        do {
            dispatch = store.dispatch(BATCH, clock.instant().truncatedTo(ChronoUnit.MILLIS));
            events += dispatch.events();
            for (UUID endpoint : dispatch.endpoints()) {
                workflows.changed(endpoint);
            }
        } while (dispatch.events() == BATCH && !stopping);
        return events;
    }

    /** At most every {@link #FORGET_EVERY}: forgets the events older than the retention. */
    long forgetExpired() {
        Instant now = clock.instant();
        if (now.isBefore(forgotten.plus(FORGET_EVERY))) {
            return 0;
        }
        long forgottenEvents = 0;
        int batch;
        do {
            batch = store.forgetBefore(now.minus(retention), FORGET_BATCH);
            forgottenEvents += batch;
        } while (batch == FORGET_BATCH && !stopping);
        forgotten = now;
        if (forgottenEvents > 0) {
            LOG.info("Forgot {} webhook event(s) older than {}, with their deliveries", forgottenEvents, retention);
        }
        return forgottenEvents;
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join(Duration.ofSeconds(5).toMillis());
    }
}
