package io.packwright.workflows.release;

import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * {@link ReleaseActivities} over an in-memory model of one release's rows, with the semantics the
 * PostgreSQL implementation promises: every change is guarded by the release's status and by the
 * per-instance ledger, so reruns and races change nothing twice. Thread-safe: activities of several
 * lanes run at once, and tests change the model while the workflow runs.
 *
 * <p>Release control as the api does it: a test changes the row ({@link #reschedule}, {@link
 * #cancelRelease}, {@link #pause}, {@link #resume}, {@link #promote}, {@link #abort}) and then
 * signals the workflow, or not (a lost signal). A staged rollout ({@link #stage}) has waves whose
 * instances the test assigns ({@link #assignWave}); an instance without a wave belongs to the last,
 * which takes everyone.
 */
final class FakeReleaseActivities implements ReleaseActivities {

    /** Instance ids in PostgreSQL's {@code uuid} order (unsigned, byte by byte). */
    static final Comparator<UUID> UUID_ORDER = Comparator.<UUID>comparingLong(
                    id -> id.getMostSignificantBits() ^ Long.MIN_VALUE)
            .thenComparingLong(id -> id.getLeastSignificantBits() ^ Long.MIN_VALUE);

    /** As {@code ReleaseFanOutStore.OPENING_TOLERANCE}: how much earlier than its window a release may open. */
    static final Duration OPENING_TOLERANCE = Duration.ofMinutes(1);

    enum Outcome {
        APPLIED,
        FAILED,
        /** Put back on the release it ran before by a cancel's or an abort's compensating step. */
        REVERTED
    }

    enum WaveStage {
        PENDING,
        APPLYING,
        SOAKING,
        DONE
    }

    /**
     * One row of the per-instance ledger; {@code at} is the test server's time.
     *
     * @param wave the wave whose fan-out applied it; {@code null} for manual applies and unstaged releases
     * @param revertedAt when it was put back; {@code null} unless {@code REVERTED}
     */
    record LedgerEntry(UUID instanceId, Outcome outcome, ApplyMode mode, long at, Integer wave, Long revertedAt) {

        LedgerEntry(UUID instanceId, Outcome outcome, ApplyMode mode, long at) {
            this(instanceId, outcome, mode, at, null, null);
        }
    }

    /** One activity call, numbered in the order calls arrived. */
    record Call(long sequence, String method, long at, Object input) {}

    /** A wave's row: its stage and, while it soaks, when the soak ends. */
    record Wave(WaveStage stage, Instant soakUntil, long instances) {}

    private static final class Instance {
        private final boolean canTake;
        private boolean onRelease;
        private int visits;
        private int reverts;
        /** Its wave of a staged rollout; {@code MAX_VALUE}: the last wave. */
        private int wave = Integer.MAX_VALUE;

        private Instance(boolean canTake) {
            this.canTake = canTake;
        }
    }

    private static final class Hook {
        private final String method;
        private final Predicate<Object> matches;
        private final int nth;
        private final Runnable action;
        private int seen;

        private Hook(String method, Predicate<Object> matches, int nth, Runnable action) {
            this.method = method;
            this.matches = matches;
            this.nth = nth;
            this.action = action;
        }
    }

    private final UUID releaseId;
    private final LongSupplier clock;
    private final NavigableMap<UUID, Instance> instances = new TreeMap<>(UUID_ORDER);
    private final Map<UUID, LedgerEntry> ledger = new HashMap<>();
    private final Deque<UUID> requests = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<Hook> hooks = new ArrayList<>();
    private ReleaseStatus status;
    private Instant windowStart;
    private String pausedReason;
    private boolean rowExists = true;
    private Runnable onOpenRelease = () -> {};
    private int batchCallsBeforeHold = Integer.MAX_VALUE;
    private final CountDownLatch heldBatches = new CountDownLatch(1);
    private int batchesWaiting;
    private int batchesRunning;
    private final List<Wave> waves = new ArrayList<>();
    private int soakMinutes;
    private int maxFailedPercent = 100;

    FakeReleaseActivities(UUID releaseId, ReleaseStatus status, LongSupplier clock) {
        this.releaseId = releaseId;
        this.status = status;
        this.clock = clock;
    }

    // ---- the model, as the api and the accounts change it

    synchronized List<UUID> addInstances(int count) {
        List<UUID> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            instances.put(id, new Instance(true));
            added.add(id);
        }
        return added;
    }

    /** An instance with a required extension without value: it cannot take the release. */
    synchronized UUID addInstanceThatCannotTakeIt() {
        UUID id = UUID.randomUUID();
        instances.put(id, new Instance(false));
        return id;
    }

    /** The durable apply request that the api writes before it signals. */
    synchronized void requestApply(UUID instanceId) {
        requests.add(instanceId);
    }

    /** A newer immediate release superseded this one (the api does it before cancelling). */
    synchronized void supersede() {
        if (status.isOpen()) {
            status = ReleaseStatus.SUPERSEDED;
        }
    }

    /** The pack was deleted (the api does it before cancelling); {@code removeRow}: its clean-up ran. */
    synchronized void deletePack(boolean removeRow) {
        if (status.isOpen()) {
            status = ReleaseStatus.CANCELLED;
        }
        rowExists = !removeRow;
    }

    /** The instance moved on to a newer release since (or was updated by hand): a revert leaves it. */
    synchronized void moveOn(UUID instanceId) {
        instances.get(instanceId).onRelease = false;
    }

    /** The window start as the release row has it (the api computed it); {@code null}: not checked. */
    synchronized void windowStart(Instant start) {
        windowStart = start;
    }

    /** {@code PATCH /releases/{id}}: the window of a {@code SCHEDULED} release moves. */
    synchronized void reschedule(Instant start) {
        require(status == ReleaseStatus.SCHEDULED, "reschedule");
        windowStart = start;
    }

    /** {@code POST /releases/{id}/cancel}: a {@code SCHEDULED} release turns {@code CANCELLED}. */
    synchronized void cancelRelease() {
        require(status == ReleaseStatus.SCHEDULED, "cancel");
        status = ReleaseStatus.CANCELLED;
        requests.clear();
    }

    /** {@code POST /releases/{id}/pause}: {@code IN_PROGRESS → PAUSED}. */
    synchronized void pause() {
        require(status == ReleaseStatus.IN_PROGRESS, "pause");
        status = ReleaseStatus.PAUSED;
        pausedReason = "paused by the partner";
    }

    /** {@code POST /releases/{id}/resume}: {@code PAUSED → IN_PROGRESS}. */
    synchronized void resume() {
        require(status == ReleaseStatus.PAUSED, "resume");
        status = ReleaseStatus.IN_PROGRESS;
        pausedReason = null;
    }

    /** {@code POST /releases/{id}/promote}: the soaking wave's soak ends now. */
    synchronized void promote() {
        require(status == ReleaseStatus.IN_PROGRESS || status == ReleaseStatus.PAUSED, "promote");
        Instant now = now();
        for (int index = 0; index < waves.size(); index++) {
            Wave wave = waves.get(index);
            if (wave.stage() == WaveStage.SOAKING) {
                waves.set(index, new Wave(WaveStage.SOAKING, now, wave.instances()));
            }
        }
    }

    /** {@code POST /releases/{id}/abort}: {@code IN_PROGRESS}/{@code PAUSED → ABORTED}. */
    synchronized void abort() {
        require(status == ReleaseStatus.IN_PROGRESS || status == ReleaseStatus.PAUSED, "abort");
        status = ReleaseStatus.ABORTED;
    }

    /** A staged rollout of {@code count} waves: soaking after each but the last, with a failure gate. */
    synchronized void stage(int count, int soakMinutes, int maxFailedPercent) {
        waves.clear();
        for (int wave = 0; wave < count; wave++) {
            waves.add(new Wave(WaveStage.PENDING, null, 0));
        }
        this.soakMinutes = soakMinutes;
        this.maxFailedPercent = maxFailedPercent;
    }

    /** Puts the instances in wave {@code wave} (as a percent bucket or an account group would). */
    synchronized void assignWave(List<UUID> instanceIds, int wave) {
        instanceIds.forEach(id -> instances.get(id).wave = wave);
    }

    /** Runs inside {@code openRelease}, before the status changes. */
    synchronized void onOpenRelease(Runnable hook) {
        onOpenRelease = hook;
    }

    /**
     * Runs {@code action} (outside the model's lock, as the api's own transaction) when the {@code
     * nth} call (from 1) of {@code method} arrives, before the call does anything.
     */
    void onCall(String method, int nth, Runnable action) {
        onCall(method, input -> true, nth, action);
    }

    /** {@link #onCall(String, int, Runnable)} counting only the calls whose input {@code matches}. */
    synchronized void onCall(String method, Predicate<Object> matches, int nth, Runnable action) {
        hooks.add(new Hook(method, matches, nth, action));
    }

    /** The first {@code calls} applyBatch calls run; later ones wait for {@link #releaseHeldBatches}. */
    synchronized void holdBatchCallsAfter(int calls) {
        batchCallsBeforeHold = calls;
    }

    void releaseHeldBatches() {
        heldBatches.countDown();
    }

    // ---- what tests read

    synchronized ReleaseStatus status() {
        return status;
    }

    synchronized String pausedReason() {
        return pausedReason;
    }

    synchronized Map<UUID, LedgerEntry> ledger() {
        return Map.copyOf(ledger);
    }

    synchronized int queuedRequests() {
        return requests.size();
    }

    synchronized int visits(UUID instanceId) {
        return instances.get(instanceId).visits;
    }

    /** How often a revert put the instance back. */
    synchronized int reverts(UUID instanceId) {
        return instances.get(instanceId).reverts;
    }

    /** Whether the instance runs this release. */
    synchronized boolean onRelease(UUID instanceId) {
        return instances.get(instanceId).onRelease;
    }

    synchronized List<Wave> waves() {
        return List.copyOf(waves);
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Call> calls(String method) {
        return calls.stream().filter(call -> call.method().equals(method)).toList();
    }

    synchronized int batchesWaiting() {
        return batchesWaiting;
    }

    synchronized int batchesRunning() {
        return batchesRunning;
    }

    // ---- the activities

    @Override
    public OpenReleaseResult openRelease(OpenReleaseInput input) {
        Runnable hook;
        synchronized (this) {
            hook = onOpenRelease;
        }
        call("openRelease", input);
        hook.run();
        synchronized (this) {
            if (status == ReleaseStatus.SCHEDULED
                    && windowStart != null
                    && now().plus(OPENING_TOLERANCE).isBefore(windowStart)) {
                return new OpenReleaseResult(ReleaseStatus.SCHEDULED, false, windowStart);
            }
            if (status == ReleaseStatus.SCHEDULED) {
                status = ReleaseStatus.IN_PROGRESS;
            }
            boolean open = status == ReleaseStatus.IN_PROGRESS || status == ReleaseStatus.PAUSED;
            return new OpenReleaseResult(status, open, null);
        }
    }

    @Override
    public ApplyRequestedResult applyRequested(ApplyRequestedInput input) {
        call("applyRequested", input);
        synchronized (this) {
            if (status != ReleaseStatus.SCHEDULED) {
                return new ApplyRequestedResult(status, 0, 0, false, windowStart);
            }
            long now = clock.getAsLong();
            int applied = 0;
            int rejected = 0;
            for (int handled = 0; handled < input.limit() && !requests.isEmpty(); handled++) {
                UUID instanceId = requests.poll();
                Instance instance = instances.get(instanceId);
                if (instance == null || !instance.canTake) {
                    rejected++;
                } else if (!instance.onRelease && !ledger.containsKey(instanceId)) {
                    ledger.put(instanceId, new LedgerEntry(instanceId, Outcome.APPLIED, ApplyMode.MANUAL, now));
                    instance.onRelease = true;
                    applied++;
                }
            }
            return new ApplyRequestedResult(status, applied, rejected, !requests.isEmpty(), windowStart);
        }
    }

    @Override
    public PartitionResult partition(PartitionInput input) {
        call("partition", input);
        synchronized (this) {
            List<UUID> ids = new ArrayList<>(instances.keySet());
            int ranges = Math.max(1, Math.min(input.lanes(), ids.size()));
            List<UUID> upperBounds = new ArrayList<>();
            for (int range = 1; range < ranges; range++) {
                upperBounds.add(ids.get(range * ids.size() / ranges - 1));
            }
            return new PartitionResult(upperBounds);
        }
    }

    @Override
    public ApplyBatchResult applyBatch(ApplyBatchInput input) {
        boolean hold;
        long sequence = call("applyBatch", input);
        synchronized (this) {
            hold = sequence > batchCallsBeforeHold;
            batchesRunning++;
            if (hold) {
                batchesWaiting++;
            }
        }
        try {
            if (hold) {
                heldBatches.await();
            }
            UUID cursor = input.after();
            long applied = 0;
            long failed = 0;
            for (int batch = 0; batch < input.maxBatches(); batch++) {
                boolean done;
                synchronized (this) {
                    if (status != ReleaseStatus.IN_PROGRESS) {
                        // the batches of this call before the change committed
                        return new ApplyBatchResult(status, cursor, false, applied, failed);
                    }
                    long now = clock.getAsLong();
                    for (UUID instanceId : range(cursor, input.upTo(), input.wave()).keySet().stream()
                            .limit(input.batchSize())
                            .toList()) {
                        Instance instance = instances.get(instanceId);
                        instance.visits++;
                        cursor = instanceId;
                        if (instance.onRelease || ledger.containsKey(instanceId)) {
                            continue;
                        }
                        if (instance.canTake) {
                            ledger.put(
                                    instanceId,
                                    new LedgerEntry(
                                            instanceId, Outcome.APPLIED, input.mode(), now, input.wave(), null));
                            instance.onRelease = true;
                            applied++;
                        } else {
                            ledger.put(
                                    instanceId,
                                    new LedgerEntry(instanceId, Outcome.FAILED, input.mode(), now, input.wave(), null));
                            failed++;
                        }
                    }
                    done = range(cursor, input.upTo(), input.wave()).isEmpty();
                }
                Activity.getExecutionContext().heartbeat(String.valueOf(cursor));
                if (done) {
                    return new ApplyBatchResult(ReleaseStatus.IN_PROGRESS, cursor, true, applied, failed);
                }
            }
            return new ApplyBatchResult(ReleaseStatus.IN_PROGRESS, cursor, false, applied, failed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            synchronized (this) {
                batchesRunning--;
                if (hold) {
                    batchesWaiting--;
                }
            }
        }
    }

    @Override
    public CompleteReleaseResult completeRelease(CompleteReleaseInput input) {
        call("completeRelease", input);
        synchronized (this) {
            if (status == ReleaseStatus.SCHEDULED) {
                throw ApplicationFailure.newNonRetryableFailure(
                        "still SCHEDULED", ReleaseFailureType.INVALID_INPUT.name());
            }
            if (status == ReleaseStatus.IN_PROGRESS) {
                status = ReleaseStatus.RELEASED;
            }
            if (!status.isOpen()) {
                requests.clear();
            }
            return new CompleteReleaseResult(status, status.isOpen() ? null : now());
        }
    }

    @Override
    public FinishCancelledResult finishCancelled(FinishCancelledInput input) {
        call("finishCancelled", input);
        synchronized (this) {
            if (status.isOpen()) {
                status = ReleaseStatus.CANCELLED;
            }
            requests.clear();
            return new FinishCancelledResult(status, rowExists);
        }
    }

    @Override
    public ControlState readControl(ReleaseInput input) {
        call("readControl", input);
        synchronized (this) {
            Instant soakUntil = waves.stream()
                    .filter(wave -> wave.stage() == WaveStage.SOAKING)
                    .map(Wave::soakUntil)
                    .findFirst()
                    .orElse(null);
            return new ControlState(status, windowStart, soakUntil);
        }
    }

    @Override
    public RevertResult revert(RevertInput input) {
        call("revert", input);
        UUID cursor = input.after();
        long reverted = 0;
        boolean done = false;
        for (int batch = 0; batch < input.maxBatches() && !done; batch++) {
            synchronized (this) {
                if (!status.reverts()) {
                    return new RevertResult(input.after(), true, 0);
                }
                UUID after = cursor;
                List<UUID> picked = ledger.values().stream()
                        .filter(entry -> entry.outcome() == Outcome.APPLIED)
                        .map(LedgerEntry::instanceId)
                        .filter(id -> after == null || UUID_ORDER.compare(id, after) > 0)
                        .sorted(UUID_ORDER)
                        .limit(input.batchSize())
                        .toList();
                long now = clock.getAsLong();
                for (UUID instanceId : picked) {
                    Instance instance = instances.get(instanceId);
                    if (instance != null && instance.onRelease) {
                        instance.onRelease = false;
                        instance.reverts++;
                        LedgerEntry entry = ledger.get(instanceId);
                        ledger.put(
                                instanceId,
                                new LedgerEntry(
                                        instanceId, Outcome.REVERTED, entry.mode(), entry.at(), entry.wave(), now));
                        reverted++;
                    }
                }
                if (!picked.isEmpty()) {
                    cursor = picked.get(picked.size() - 1);
                }
                done = picked.size() < input.batchSize();
            }
            Activity.getExecutionContext().heartbeat(String.valueOf(cursor));
        }
        return new RevertResult(cursor, done, reverted);
    }

    @Override
    public WavePlan planWaves(ReleaseInput input) {
        call("planWaves", input);
        synchronized (this) {
            for (int wave = 0; wave < waves.size(); wave++) {
                countWave(wave);
            }
            return new WavePlan(waves.size());
        }
    }

    @Override
    public WaveState startWave(WaveInput input) {
        call("startWave", input);
        synchronized (this) {
            if (status != ReleaseStatus.IN_PROGRESS) {
                return new WaveState(status, null);
            }
            for (int wave = 0; wave < input.wave(); wave++) {
                waves.set(wave, new Wave(WaveStage.DONE, null, waves.get(wave).instances()));
            }
            Wave wave = waves.get(input.wave());
            if (wave.stage() == WaveStage.PENDING) {
                waves.set(input.wave(), new Wave(WaveStage.APPLYING, null, wave.instances()));
            }
            countWave(input.wave());
            return new WaveState(ReleaseStatus.IN_PROGRESS, null);
        }
    }

    @Override
    public WaveState finishWave(WaveInput input) {
        call("finishWave", input);
        synchronized (this) {
            int index = input.wave();
            long applied = ledger.values().stream()
                    .filter(entry -> Integer.valueOf(index).equals(entry.wave()) && entry.outcome() != Outcome.FAILED)
                    .count();
            long failed = ledger.values().stream()
                    .filter(entry -> Integer.valueOf(index).equals(entry.wave()) && entry.outcome() == Outcome.FAILED)
                    .count();
            long outcomes = applied + failed;
            if (status == ReleaseStatus.IN_PROGRESS
                    && outcomes > 0
                    && failed * 100 > (long) maxFailedPercent * outcomes) {
                status = ReleaseStatus.PAUSED;
                pausedReason = "Failure gate: " + failed + " of the " + outcomes + " instances of wave " + (index + 1);
            }
            Wave wave = waves.get(index);
            boolean fresh = wave.stage() == WaveStage.PENDING || wave.stage() == WaveStage.APPLYING;
            if (index >= waves.size() - 1) {
                if (fresh) {
                    waves.set(index, new Wave(WaveStage.DONE, null, wave.instances()));
                }
                return new WaveState(status, null);
            }
            if (fresh) {
                wave = new Wave(WaveStage.SOAKING, now().plus(Duration.ofMinutes(soakMinutes)), wave.instances());
                waves.set(index, wave);
            }
            return new WaveState(status, wave.stage() == WaveStage.SOAKING ? wave.soakUntil() : null);
        }
    }

    @Override
    public WaveState endSoak(WaveInput input) {
        call("endSoak", input);
        synchronized (this) {
            Wave wave = waves.get(input.wave());
            if (wave.stage() == WaveStage.SOAKING) {
                waves.set(input.wave(), new Wave(WaveStage.DONE, null, wave.instances()));
            }
            return new WaveState(status, null);
        }
    }

    // ---- the model's rules

    /** The instances of wave {@code wave}'s own (without the earlier waves'), into its row. */
    private void countWave(int index) {
        long count = instances.values().stream()
                .filter(instance -> index == waves.size() - 1 ? instance.wave >= index : instance.wave == index)
                .count();
        Wave wave = waves.get(index);
        waves.set(index, new Wave(wave.stage(), wave.soakUntil(), count));
    }

    /** A lane's instances after {@code after} up to {@code upTo}; of the waves up to {@code wave} when given. */
    private NavigableMap<UUID, Instance> range(UUID after, UUID upTo, Integer wave) {
        if (after != null && upTo != null && UUID_ORDER.compare(after, upTo) >= 0) {
            return new TreeMap<>(UUID_ORDER);
        }
        NavigableMap<UUID, Instance> tail = after == null ? instances : instances.tailMap(after, false);
        NavigableMap<UUID, Instance> lane = upTo == null ? tail : tail.headMap(upTo, true);
        if (wave == null || wave >= waves.size() - 1) {
            return lane;
        }
        NavigableMap<UUID, Instance> members = new TreeMap<>(UUID_ORDER);
        lane.forEach((id, instance) -> {
            if (instance.wave <= wave) {
                members.put(id, instance);
            }
        });
        return members;
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.getAsLong());
    }

    private void require(boolean allowed, String action) {
        if (!allowed) {
            throw new IllegalStateException("409: cannot " + action + " a " + status + " release");
        }
    }

    /** Records the call and runs the hooks that wait for it, outside the lock. */
    private long call(String method, Object input) {
        List<Runnable> due = new ArrayList<>();
        long sequence;
        synchronized (this) {
            if (!releaseIdOf(input).equals(releaseId)) {
                throw ApplicationFailure.newNonRetryableFailure(
                        "no release " + releaseIdOf(input), ReleaseFailureType.RELEASE_NOT_FOUND.name());
            }
            calls.add(new Call(calls.size() + 1, method, clock.getAsLong(), input));
            sequence = calls(method).size();
            for (Hook hook : hooks) {
                if (hook.method.equals(method) && hook.matches.test(input) && ++hook.seen == hook.nth) {
                    due.add(hook.action);
                }
            }
        }
        due.forEach(Runnable::run);
        return sequence;
    }

    private static UUID releaseIdOf(Object input) {
        if (input instanceof OpenReleaseInput in) {
            return in.releaseId();
        } else if (input instanceof ApplyRequestedInput in) {
            return in.releaseId();
        } else if (input instanceof PartitionInput in) {
            return in.releaseId();
        } else if (input instanceof ApplyBatchInput in) {
            return in.releaseId();
        } else if (input instanceof CompleteReleaseInput in) {
            return in.releaseId();
        } else if (input instanceof FinishCancelledInput in) {
            return in.releaseId();
        } else if (input instanceof ReleaseInput in) {
            return in.releaseId();
        } else if (input instanceof RevertInput in) {
            return in.releaseId();
        } else if (input instanceof WaveInput in) {
            return in.releaseId();
        }
        throw new IllegalArgumentException("unknown input " + input);
    }
}
