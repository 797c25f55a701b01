package io.packwright.workflows.release;

import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
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

/**
 * {@link ReleaseActivities} over an in-memory model of one release's rows, with the semantics the
 * PostgreSQL implementation promises: every change is guarded by the release's status and by the
 * per-instance ledger, so reruns and races change nothing twice. Thread-safe: activities of several
 * lanes run at once, and tests change the model while the workflow runs.
 */
final class FakeReleaseActivities implements ReleaseActivities {

    /** Instance ids in PostgreSQL's {@code uuid} order (unsigned, byte by byte). */
    static final Comparator<UUID> UUID_ORDER = Comparator.<UUID>comparingLong(
                    id -> id.getMostSignificantBits() ^ Long.MIN_VALUE)
            .thenComparingLong(id -> id.getLeastSignificantBits() ^ Long.MIN_VALUE);

    enum Outcome {
        APPLIED,
        FAILED
    }

    /** One row of the per-instance ledger; {@code at} is the test server's time. */
    record LedgerEntry(UUID instanceId, Outcome outcome, ApplyMode mode, long at) {}

    /** One activity call, numbered in the order calls arrived. */
    record Call(long sequence, String method, long at, Object input) {}

    private static final class Instance {
        private final boolean canTake;
        private boolean onRelease;
        private int visits;

        private Instance(boolean canTake) {
            this.canTake = canTake;
        }
    }

    private final UUID releaseId;
    private final LongSupplier clock;
    private final NavigableMap<UUID, Instance> instances = new TreeMap<>(UUID_ORDER);
    private final Map<UUID, LedgerEntry> ledger = new HashMap<>();
    private final Deque<UUID> requests = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();
    private ReleaseStatus status;
    private boolean rowExists = true;
    private Runnable onOpenRelease = () -> {};
    private int batchCallsBeforeHold = Integer.MAX_VALUE;
    private final CountDownLatch heldBatches = new CountDownLatch(1);
    private int batchesWaiting;
    private int batchesRunning;

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

    /** Runs inside {@code openRelease}, before the status changes. */
    synchronized void onOpenRelease(Runnable hook) {
        onOpenRelease = hook;
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

    synchronized Map<UUID, LedgerEntry> ledger() {
        return Map.copyOf(ledger);
    }

    synchronized int queuedRequests() {
        return requests.size();
    }

    synchronized int visits(UUID instanceId) {
        return instances.get(instanceId).visits;
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
            record("openRelease", input);
            hook = onOpenRelease;
        }
        hook.run();
        synchronized (this) {
            if (status == ReleaseStatus.SCHEDULED) {
                status = ReleaseStatus.IN_PROGRESS;
            }
            return new OpenReleaseResult(status, status == ReleaseStatus.IN_PROGRESS, null);
        }
    }

    @Override
    public synchronized ApplyRequestedResult applyRequested(ApplyRequestedInput input) {
        record("applyRequested", input);
        if (status != ReleaseStatus.SCHEDULED) {
            return new ApplyRequestedResult(status, 0, 0, !requests.isEmpty(), null);
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
        return new ApplyRequestedResult(status, applied, rejected, !requests.isEmpty(), null);
    }

    @Override
    public synchronized PartitionResult partition(PartitionInput input) {
        record("partition", input);
        List<UUID> ids = new ArrayList<>(instances.keySet());
        int ranges = Math.max(1, Math.min(input.lanes(), ids.size()));
        List<UUID> upperBounds = new ArrayList<>();
        for (int range = 1; range < ranges; range++) {
            upperBounds.add(ids.get(range * ids.size() / ranges - 1));
        }
        return new PartitionResult(upperBounds);
    }

    @Override
    public ApplyBatchResult applyBatch(ApplyBatchInput input) {
        boolean hold;
        synchronized (this) {
            record("applyBatch", input);
            hold = calls("applyBatch").size() > batchCallsBeforeHold;
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
                        return new ApplyBatchResult(status, cursor, false, applied, failed);
                    }
                    long now = clock.getAsLong();
                    for (UUID instanceId : range(cursor, input.upTo()).keySet().stream()
                            .limit(input.batchSize())
                            .toList()) {
                        Instance instance = instances.get(instanceId);
                        instance.visits++;
                        cursor = instanceId;
                        if (instance.onRelease || ledger.containsKey(instanceId)) {
                            continue;
                        }
                        if (instance.canTake) {
                            ledger.put(instanceId, new LedgerEntry(instanceId, Outcome.APPLIED, input.mode(), now));
                            instance.onRelease = true;
                            applied++;
                        } else {
                            ledger.put(instanceId, new LedgerEntry(instanceId, Outcome.FAILED, input.mode(), now));
                            failed++;
                        }
                    }
                    done = range(cursor, input.upTo()).isEmpty();
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
    public synchronized CompleteReleaseResult completeRelease(CompleteReleaseInput input) {
        record("completeRelease", input);
        if (status == ReleaseStatus.IN_PROGRESS) {
            status = ReleaseStatus.RELEASED;
            requests.clear();
        }
        return new CompleteReleaseResult(status, Instant.ofEpochMilli(clock.getAsLong()));
    }

    @Override
    public synchronized FinishCancelledResult finishCancelled(FinishCancelledInput input) {
        record("finishCancelled", input);
        if (status.isOpen()) {
            status = ReleaseStatus.CANCELLED;
        }
        return new FinishCancelledResult(status, rowExists);
    }

    private NavigableMap<UUID, Instance> range(UUID after, UUID upTo) {
        if (after != null && upTo != null && UUID_ORDER.compare(after, upTo) >= 0) {
            return new TreeMap<>(UUID_ORDER);
        }
        NavigableMap<UUID, Instance> tail = after == null ? instances : instances.tailMap(after, false);
        return upTo == null ? tail : tail.headMap(upTo, true);
    }

    private void record(String method, Object input) {
        if (!releaseIdOf(input).equals(releaseId)) {
            throw ApplicationFailure.newNonRetryableFailure(
                    "no release " + releaseIdOf(input), ReleaseFailureType.RELEASE_NOT_FOUND.name());
        }
        calls.add(new Call(calls.size() + 1, method, clock.getAsLong(), input));
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

    @Override
    public synchronized ControlState readControl(ReleaseInput input) {
        record("readControl", input);
        return new ControlState(status, null, null);
    }

    @Override
    public synchronized RevertResult revert(RevertInput input) {
        record("revert", input);
        return new RevertResult(input.after(), true, 0);
    }

    @Override
    public synchronized WavePlan planWaves(ReleaseInput input) {
        record("planWaves", input);
        return new WavePlan(0);
    }

    @Override
    public synchronized WaveState startWave(WaveInput input) {
        throw new UnsupportedOperationException("not staged");
    }

    @Override
    public synchronized WaveState finishWave(WaveInput input) {
        throw new UnsupportedOperationException("not staged");
    }

    @Override
    public synchronized WaveState endSoak(WaveInput input) {
        throw new UnsupportedOperationException("not staged");
    }
}
