package io.packwright.activities.store.notify;

/**
 * Why a wait on {@link DatabaseNotifications} ended. Whatever the reason, the waiter reads the state
 * it waits for again: a notification says that something changed, never what the state is now.
 */
public enum Wake {

    /** A notification for the key arrived. */
    NOTIFIED,

    /** The timeout passed without a notification. */
    TIMED_OUT,

    /**
     * Notifications may have been missed: the listening connection was lost and is open again, or the
     * component is closing.
     */
    UNCERTAIN,

    /** There was no wait at all: as many waits as allowed are open already. */
    REFUSED
}
