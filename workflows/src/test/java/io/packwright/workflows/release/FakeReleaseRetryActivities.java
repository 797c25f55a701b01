package io.packwright.workflows.release;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@link ReleaseRetryActivities} over an in-memory ledger of one release's failed instances, with
 * the semantics the PostgreSQL implementation promises: only rows failed before the retry are tried,
 * each at most once per retry, and nothing is changed once the release is not retriable. Thread-safe:
 * tests change the model while the workflow runs.
 */
final class FakeReleaseRetryActivities implements ReleaseRetryActivities {

    /** One failed instance: whether it can take the release now, its attempts, whether it was applied. */
    static final class Row {
        boolean canTake;
        int attempts = 1;
        boolean applied;
        boolean triedByThisRetry;
    }

    private final NavigableMap<UUID, Row> failed = new TreeMap<>(FakeReleaseActivities.UUID_ORDER);
    private final List<RetryFailedInput> calls = new ArrayList<>();
    private ReleaseStatus status;
    private int callsBeforeStop = Integer.MAX_VALUE;
    private ReleaseStatus stopWith;

    FakeReleaseRetryActivities(ReleaseStatus status) {
        this.status = status;
    }

    synchronized List<UUID> addFailed(int count, boolean canTake) {
        List<UUID> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            Row row = new Row();
            row.canTake = canTake;
            failed.put(id, row);
            added.add(id);
        }
        return added;
    }

    /** After {@code calls} calls, the release turns {@code status} (the partner aborted it, say). */
    synchronized void stopAfter(int calls, ReleaseStatus status) {
        callsBeforeStop = calls;
        stopWith = status;
    }

    synchronized Map<UUID, Row> rows() {
        return Map.copyOf(failed);
    }

    synchronized List<RetryFailedInput> calls() {
        return List.copyOf(calls);
    }

    @Override
    public synchronized RetryFailedResult retryFailed(RetryFailedInput input) {
        calls.add(input);
        if (calls.size() > callsBeforeStop) {
            status = stopWith;
        }
        if (!status.retriesFailed()) {
            return new RetryFailedResult(status, input.after(), false, 0, 0);
        }
        UUID after = input.after();
        long applied = 0;
        long stillFailed = 0;
        for (int batch = 0; batch < input.maxBatches(); batch++) {
            List<UUID> picked = new ArrayList<>();
            for (Map.Entry<UUID, Row> entry : (after == null ? failed : failed.tailMap(after, false)).entrySet()) {
                if (picked.size() == input.batchSize()) {
                    break;
                }
                if (!entry.getValue().applied && !entry.getValue().triedByThisRetry) {
                    picked.add(entry.getKey());
                }
            }
            for (UUID id : picked) {
                Row row = failed.get(id);
                row.attempts++;
                row.triedByThisRetry = true;
                if (row.canTake) {
                    row.applied = true;
                    applied++;
                } else {
                    stillFailed++;
                }
            }
            if (!picked.isEmpty()) {
                after = picked.get(picked.size() - 1);
            }
            if (picked.size() < input.batchSize()) {
                return new RetryFailedResult(status, after, true, applied, stillFailed);
            }
        }
        return new RetryFailedResult(status, after, false, applied, stillFailed);
    }
}
