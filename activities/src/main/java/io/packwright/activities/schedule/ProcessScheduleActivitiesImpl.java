package io.packwright.activities.schedule;

import io.packwright.activities.store.schedule.ProcessExecutionStore;
import io.packwright.workflows.schedule.LanePlan;
import io.packwright.workflows.schedule.ProcessLane;
import io.packwright.workflows.schedule.ProcessScheduleActivities;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The process schedules' activities over {@link ProcessExecutionStore}, with the clock: a fire and
 * its deadlines are judged by the time the activity runs, which its result records for replays.
 */
@Singleton
public class ProcessScheduleActivitiesImpl implements ProcessScheduleActivities {

    private final ProcessExecutionStore store;
    private final ExecutionProperties properties;
    private final Clock clock;

    public ProcessScheduleActivitiesImpl(ProcessExecutionStore store, ExecutionProperties properties, Clock clock) {
        this.store = store;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public LanePlan plan(ProcessLane lane) {
        Objects.requireNonNull(lane, "lane");
        return store.plan(lane, clock.instant(), properties.startWindow());
    }

    @Override
    public LanePlan fire(ProcessLane lane, Instant scheduledFor) {
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(scheduledFor, "scheduledFor");
        return store.fire(lane, scheduledFor, clock.instant(), properties.startWindow());
    }
}
