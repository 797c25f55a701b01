package io.packwright.activities.store.notify;

/**
 * The PostgreSQL notification channels of Packwright, and what the key (the payload) of each names.
 * A producer sends {@code pg_notify(channel, key)} inside the transaction that makes the change:
 * PostgreSQL delivers it when that transaction commits and never when it rolls back. {@link
 * DatabaseNotifications} listens on every channel named here.
 */
public enum NotificationChannel {

    /**
     * A queued manual apply ({@code release_apply_requests}) was handled and removed: the release was
     * applied to the instance, the instance could not take it, or the request was dropped because its
     * release closed. Key: the instance id.
     */
    APPLY_REQUEST_HANDLED("packwright_apply_request_handled"),

    /**
     * What an environment must run may have changed: its revision was bumped (by the triggers of
     * migration V9, in the transaction of the change), or one of its runtimes was revoked. Key: the
     * environment id.
     */
    ENVIRONMENT_CHANGED("packwright_environment_changed"),

    /**
     * A process execution was queued (a schedule fired, a run was asked for, a retry fell due): the
     * runtimes of its environment waiting to claim one wake. Key: the environment id.
     */
    EXECUTIONS_QUEUED("packwright_executions_queued"),

    /**
     * Webhook events were written to the outbox ({@code webhook_events}, by the triggers of migration
     * V12 or a test event): the worker's dispatcher wakes. Key: {@link #OUTBOX_KEY}.
     */
    WEBHOOK_EVENTS("packwright_webhook_events");

    /** The one key of {@link #WEBHOOK_EVENTS}: its waiter is the dispatcher, not one resource. */
    public static final String OUTBOX_KEY = "outbox";

    private final String channel;

    NotificationChannel(String channel) {
        this.channel = channel;
    }

    /** The channel's name in PostgreSQL, the first argument of {@code pg_notify}. */
    public String channel() {
        return channel;
    }
}
