package io.packwright.workflows.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The process schedule activities over an in-memory lane, by the contract of {@link
 * ProcessScheduleActivities}: a schedule that fires every {@link #every} since the epoch (when it
 * exists and is enabled), and executions with a deadline that the lane's plan must wake for. Time is
 * the test environment's.
 */
final class FakeProcessScheduleActivities implements ProcessScheduleActivities {

    private final Supplier<Instant> clock;
    private final List<Instant> fires = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();
    private final List<Instant> deadlines = new ArrayList<>();
    private final List<Instant> passedDeadlines = new ArrayList<>();
    private volatile Duration every;
    private volatile boolean exists = true;
    private volatile boolean enabled = true;

    FakeProcessScheduleActivities(Supplier<Instant> clock, Duration every) {
        this.clock = clock;
        this.every = every;
    }

    @Override
    public synchronized LanePlan plan(ProcessLane lane) {
        Instant now = clock.get();
        calls.add("plan@" + now);
        sweep(now);
        return planFrom(lane.cursor() == null || lane.cursor().isBefore(now) ? now : lane.cursor());
    }

    @Override
    public synchronized LanePlan fire(ProcessLane lane, Instant scheduledFor) {
        Instant now = clock.get();
        calls.add("fire@" + now);
        sweep(now);
        if (exists && enabled && !fires.contains(scheduledFor)) {
            fires.add(scheduledFor);
        }
        return planFrom(scheduledFor.isBefore(now) ? now : scheduledFor);
    }

    private void sweep(Instant now) {
        deadlines.removeIf(deadline -> {
            if (!deadline.isAfter(now)) {
                passedDeadlines.add(now);
                return true;
            }
            return false;
        });
    }

    private LanePlan planFrom(Instant after) {
        Instant nextFire = null;
        if (exists && enabled) {
            long step = every.toMillis();
            nextFire = Instant.ofEpochMilli((after.toEpochMilli() / step + 1) * step);
        }
        Instant nextCheck = deadlines.stream().min(Instant::compareTo).orElse(null);
        return new LanePlan(exists || !deadlines.isEmpty(), nextFire, nextCheck);
    }

    synchronized List<Instant> fires() {
        return List.copyOf(fires);
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Instant> passedDeadlines() {
        return List.copyOf(passedDeadlines);
    }

    synchronized void every(Duration next) {
        every = next;
    }

    synchronized void delete() {
        exists = false;
    }

    synchronized void disable() {
        enabled = false;
    }

    synchronized void addDeadline(Instant deadline) {
        deadlines.add(deadline);
    }
}
