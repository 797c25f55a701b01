package io.packwright.api.packs;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * How deleted packs are cleaned up, {@code packwright.pack-deletion.*} (environment: {@code
 * PACKWRIGHT_PACK_DELETION_BATCH_SIZE}, ...).
 *
 * @param batchSize instances removed per transaction
 * @param packsPerSweep deleted packs cleaned up per sweep
 * @param sweepInterval pause between the end of one sweep and the start of the next
 * @param sweepInitialDelay delay of the first sweep after start-up
 */
@ConfigurationProperties("packwright.pack-deletion")
public record PackDeletionProperties(
        @Bindable(defaultValue = "1000") @Min(1) @Max(100_000)
        int batchSize,

        @Bindable(defaultValue = "100") @Min(1) @Max(10_000) int packsPerSweep,
        @Bindable(defaultValue = "1m") Duration sweepInterval,
        @Bindable(defaultValue = "30s") Duration sweepInitialDelay) {}
