package io.packwright.workflows.release;

import java.time.Duration;

/**
 * How a release workflow paces its work. Part of the workflow input, so that a run keeps the pacing
 * it started with and tests can choose small values.
 *
 * @param batchSize instances per set-based SQL batch (one transaction)
 * @param batchesPerActivity batches one activity call applies, heartbeating after each
 * @param lanes how many disjoint instance-id ranges are applied in parallel (bounded concurrency)
 * @param requestBatchSize queued manual applies handled per activity call
 * @param maxHistoryEvents a run continues as new once its history is longer than this
 * @param requestSweepInterval during the testing period, how often the workflow looks for queued
 *     manual applies without having been signalled (covers signals lost while no run existed)
 */
public record ReleaseTuning(
        int batchSize,
        int batchesPerActivity,
        int lanes,
        int requestBatchSize,
        int maxHistoryEvents,
        Duration requestSweepInterval) {

    public ReleaseTuning {
        if (batchSize < 1 || batchesPerActivity < 1 || lanes < 1 || requestBatchSize < 1) {
            throw new IllegalArgumentException("batch sizes and lanes must be positive");
        }
        if (maxHistoryEvents < 500) {
            throw new IllegalArgumentException("maxHistoryEvents must be at least 500");
        }
        if (requestSweepInterval == null || requestSweepInterval.isNegative() || requestSweepInterval.isZero()) {
            throw new IllegalArgumentException("requestSweepInterval must be positive");
        }
    }

    /** The production defaults. */
    public static ReleaseTuning defaults() {
        return new ReleaseTuning(1_000, 10, 4, 500, 5_000, Duration.ofHours(1));
    }
}
