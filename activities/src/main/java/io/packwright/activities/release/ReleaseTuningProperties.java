package io.packwright.activities.release;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.packwright.workflows.release.ReleaseTuning;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * How release workflows pace their work, bound from {@code packwright.releases.*}
 * ({@code PACKWRIGHT_RELEASES_BATCH_SIZE}, ...). A workflow keeps the pacing it was started with.
 *
 * @param batchSize instances per set-based SQL batch (one transaction)
 * @param batchesPerActivity batches one activity call applies
 * @param lanes instance-id ranges applied in parallel
 * @param requestBatchSize manual applies handled per activity call
 * @param maxHistoryEvents a workflow run continues as new beyond this many history events
 * @param requestSweepInterval how often a testing period looks for unsignalled manual applies
 */
@ConfigurationProperties("packwright.releases")
public record ReleaseTuningProperties(
        @Bindable(defaultValue = "1000") @Min(1) @Max(10_000)
        int batchSize,

        @Bindable(defaultValue = "10") @Min(1) @Max(1_000) int batchesPerActivity,
        @Bindable(defaultValue = "4") @Min(1) @Max(64) int lanes,
        @Bindable(defaultValue = "500") @Min(1) @Max(10_000) int requestBatchSize,

        @Bindable(defaultValue = "5000") @Min(500) @Max(40_000)
        int maxHistoryEvents,

        @Bindable(defaultValue = "1h") Duration requestSweepInterval) {

    /** The workflow payload. */
    public ReleaseTuning toTuning() {
        return new ReleaseTuning(
                batchSize, batchesPerActivity, lanes, requestBatchSize, maxHistoryEvents, requestSweepInterval);
    }
}
