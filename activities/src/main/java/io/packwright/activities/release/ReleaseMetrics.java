package io.packwright.activities.release;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.packwright.workflows.release.ApplyMode;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * What operators read about releases on {@code /prometheus} (of the worker, where releases are
 * applied), recorded after the transactions they describe have committed:
 *
 * <ul>
 *   <li>{@code packwright_release_instances_total{outcome="applied|failed",mode="MANUAL|AUTOMATIC|IMMEDIATE"}}:
 *       instances that took a release, or could not; its rate is the fan-out rate.
 *   <li>{@code packwright_release_batch_seconds{mode}}: one fan-out batch (a transaction of up to a
 *       batch size of instances).
 *   <li>{@code packwright_release_window_lateness_seconds}: from a scheduled release's window start
 *       to the moment its fan-out opened (a histogram).
 *   <li>{@code packwright_release_manual_apply_latency_seconds}: from a manual apply request to its
 *       outcome (applied, or rejected because the instance cannot take the release; a histogram).
 * </ul>
 *
 * <p>Releases by status are the worker's {@code packwright_releases} gauge. Without a registry in
 * the context (a test of the activities alone) the figures go to a private registry.
 */
@Singleton
public class ReleaseMetrics {

    private final Map<ApplyMode, Counter> applied = new EnumMap<>(ApplyMode.class);
    private final Map<ApplyMode, Counter> failed = new EnumMap<>(ApplyMode.class);
    private final Map<ApplyMode, Timer> batches = new EnumMap<>(ApplyMode.class);
    private final Timer windowLateness;
    private final Timer manualApplyLatency;

    ReleaseMetrics(@Nullable MeterRegistry registry) {
        MeterRegistry meters = registry == null ? new SimpleMeterRegistry() : registry;
        for (ApplyMode mode : ApplyMode.values()) {
            applied.put(mode, instances(meters, "applied", mode));
            failed.put(mode, instances(meters, "failed", mode));
            batches.put(
                    mode,
                    Timer.builder("packwright.release.batch")
                            .description("One fan-out batch of a release, a transaction")
                            .tag("mode", mode.name())
                            .register(meters));
        }
        windowLateness = Timer.builder("packwright.release.window.lateness")
                .description("From a scheduled release's window start to its fan-out opening")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(meters);
        manualApplyLatency = Timer.builder("packwright.release.manual.apply.latency")
                .description("From a manual apply request to its outcome")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(meters);
    }

    private static Counter instances(MeterRegistry meters, String outcome, ApplyMode mode) {
        return Counter.builder("packwright.release.instances")
                .description("Instances that took a release (applied) or could not (failed)")
                .tag("outcome", outcome)
                .tag("mode", mode.name())
                .register(meters);
    }

    /** A committed fan-out batch in {@code mode} that took {@code took}. */
    public void batch(ApplyMode mode, long appliedInstances, long failedInstances, Duration took) {
        applied(mode, appliedInstances, failedInstances);
        batches.get(mode).record(took);
    }

    /** Instances that took a release in {@code mode}, and those that could not. */
    public void applied(ApplyMode mode, long appliedInstances, long failedInstances) {
        if (appliedInstances > 0) {
            applied.get(mode).increment(appliedInstances);
        }
        if (failedInstances > 0) {
            failed.get(mode).increment(failedInstances);
        }
    }

    /** A scheduled release opened {@code lateness} after its window started. */
    public void windowOpened(Duration lateness) {
        windowLateness.record(lateness.isNegative() ? Duration.ZERO : lateness);
    }

    /** A manual apply request got its outcome {@code latency} after it was made. */
    public void manualApplyHandled(Duration latency) {
        manualApplyLatency.record(latency.isNegative() ? Duration.ZERO : latency);
    }
}
