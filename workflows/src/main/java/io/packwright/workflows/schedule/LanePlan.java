package io.packwright.workflows.schedule;

import java.time.Instant;

/**
 * What a process lane's workflow waits for next, as its activities computed it from the database.
 *
 * @param live whether there is anything to wait for: a schedule (enabled or not), or executions that
 *     are queued, running or waiting for a retry; a lane that is not live ends its workflow
 * @param nextFire the schedule's next fire instant after the cursor; {@code null} when it has no
 *     schedule or it is disabled
 * @param nextCheck when an execution may next need the workflow: a start deadline, a lease expiry or
 *     a retry falling due; {@code null} when none
 */
public record LanePlan(boolean live, Instant nextFire, Instant nextCheck) {

    /** The earlier of {@link #nextFire} and {@link #nextCheck}; {@code null} when both are. */
    public Instant nextWake() {
        if (nextFire == null) {
            return nextCheck;
        }
        if (nextCheck == null || nextFire.isBefore(nextCheck)) {
            return nextFire;
        }
        return nextCheck;
    }
}
