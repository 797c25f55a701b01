package io.packwright.workflows.schedule;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.time.Instant;

/**
 * What a process lane's workflow asks the database. Both methods are idempotent and compute their
 * answer with their own clock, so a replayed workflow sees what the first run saw.
 */
@ActivityInterface
public interface ProcessScheduleActivities {

    /**
     * Brings the lane's executions up to date (queued ones past their start deadline become {@code
     * MISSED}, claimed ones past their lease {@code TIMED_OUT}, due retries are queued) and says what
     * to wait for next: the schedule's next fire strictly after the later of {@code lane.cursor()}
     * and now, so that a schedule changed while its workflow slept never fires for a time already
     * past.
     */
    @ActivityMethod
    LanePlan plan(ProcessLane lane);

    /**
     * Records the schedule's fire for {@code scheduledFor} (once, whoever records it how often):
     * queued, or {@code SKIPPED} by the overlap policy; nothing when the schedule is gone or
     * disabled. Then plans like {@link #plan} from {@code scheduledFor}, except that the next fire
     * is after the later of {@code scheduledFor} and now: after an outage the workflow fires the one
     * run it missed last, never a burst of them.
     */
    @ActivityMethod
    LanePlan fire(ProcessLane lane, Instant scheduledFor);
}
