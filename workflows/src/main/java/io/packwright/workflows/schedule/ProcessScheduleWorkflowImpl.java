package io.packwright.workflows.schedule;

import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link ProcessScheduleWorkflow}: a loop of one timer and one local activity per fire or deadline. A
 * signal during the sleep ends it early and plans again; the timer's end either fires (the planned
 * fire is due) or checks deadlines. The cursor only moves forward, to the fire just recorded.
 */
public class ProcessScheduleWorkflowImpl implements ProcessScheduleWorkflow {

    /** A run continues as new beyond this many history events (each loop adds about six). */
    static final int MAX_HISTORY_EVENTS = 1_000;

    /** Unlimited attempts: an outage of PostgreSQL delays fires, it must not end the schedule. */
    private static final RetryOptions RETRY = RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofMinutes(1))
            .build();

    /**
     * Local activities: each is one short transaction, and a fire is then one workflow task (the
     * timer's) instead of a task, an activity task and another task. A thousand schedules firing at
     * the same minute are that many tasks less for Temporal and the worker.
     */
    private final ProcessScheduleActivities activities = Workflow.newLocalActivityStub(
            ProcessScheduleActivities.class,
            LocalActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(30))
                    .setRetryOptions(RETRY)
                    .build());

    private boolean changed;

    @Override
    public void run(ProcessLane start) {
        ProcessLane lane = start.cursor() != null ? start : start.at(now());
        // a signal that started this run is answered by the first plan
        changed = false;
        LanePlan plan = activities.plan(lane);
        while (true) {
            if (!plan.live()) {
                // a change signalled while the lane ran out must still be seen
                if (!changed) {
                    return;
                }
                changed = false;
                plan = activities.plan(lane);
                continue;
            }
            Instant wake = plan.nextWake();
            boolean signalled;
            if (wake == null) {
                Workflow.await(() -> changed);
                signalled = true;
            } else {
                Duration sleep = Duration.between(now(), wake);
                signalled = sleep.isNegative() || sleep.isZero() ? changed : Workflow.await(sleep, () -> changed);
            }
            if (signalled) {
                changed = false;
                plan = activities.plan(lane);
            } else if (plan.nextFire() != null && !now().isBefore(plan.nextFire())) {
                lane = lane.at(plan.nextFire());
                plan = activities.fire(lane, plan.nextFire());
            } else {
                plan = activities.plan(lane);
            }
            if (historyTooLong()) {
                Workflow.await(Workflow::isEveryHandlerFinished);
                Workflow.continueAsNew(lane);
            }
        }
    }

    @Override
    public void changed() {
        changed = true;
    }

    private static Instant now() {
        return Instant.ofEpochMilli(Workflow.currentTimeMillis());
    }

    private static boolean historyTooLong() {
        WorkflowInfo info = Workflow.getInfo();
        return info.getHistoryLength() > MAX_HISTORY_EVENTS || info.isContinueAsNewSuggested();
    }
}
