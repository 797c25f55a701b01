package io.packwright.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.store.release.ReleaseFanOutStore;
import io.packwright.activities.store.release.ReleaseRows;
import io.packwright.activities.temporal.TestTemporalServer;
import io.packwright.workflows.release.ApplyMode;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The release metrics of the worker's {@code /prometheus}: what its activities applied, by outcome
 * and mode, the fan-out batches, the window's lateness, the manual applies' latency and the
 * releases by status. Driven through the store the activities call; no Temporal is needed.
 */
class ReleaseMetricsTest {

    @Test
    void appliedInstancesLatenessLatencyAndStatusesAreExported() throws Exception {
        TestDatabase database = TestDatabases.create().migrate();
        Map<String, Object> properties = TestProperties.worker(database, "127.0.0.1:" + TestTemporalServer.freePort());
        try (ApplicationContext context = ApplicationContext.run(properties);
                Connection db = database.connect()) {
            ReleaseRows rows = new ReleaseRows(db);
            ReleaseFanOutStore store = context.getBean(ReleaseFanOutStore.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);

            // a fan-out batch: three instances take the release, one lacks a required value
            ReleaseRows.Pack immediate = rows.pack();
            UUID released = rows.release(immediate.id(), 2, "IN_PROGRESS");
            rows.declares(immediate, released, "apiKey:true:");
            List<UUID> ready = rows.instances(immediate, immediate.first(), 3);
            for (UUID instance : ready) {
                rows.value(instance, "apiKey");
            }
            rows.instance(immediate, immediate.first());
            Instant now = ReleaseRows.WINDOW_START.plusSeconds(2);
            store.applyBatch(released, ApplyMode.IMMEDIATE, null, null, 100, null, now);

            assertEquals(3.0, instances(meters, "applied", ApplyMode.IMMEDIATE));
            assertEquals(1.0, instances(meters, "failed", ApplyMode.IMMEDIATE));
            assertEquals(
                    1,
                    meters.get("packwright.release.batch")
                            .tag("mode", "IMMEDIATE")
                            .timer()
                            .count());

            // a manual apply handled 30 s after its request, then the window opened 2 s late
            ReleaseRows.Pack scheduled = rows.pack();
            UUID pending = rows.release(scheduled.id(), 2, "SCHEDULED");
            UUID manual = rows.instance(scheduled, scheduled.first());
            rows.request(pending, manual, 0);
            store.applyRequested(pending, 10, ReleaseRows.BEFORE.plusSeconds(30));
            store.openRelease(pending, now);

            assertEquals(1.0, instances(meters, "applied", ApplyMode.MANUAL));
            var latency = meters.get("packwright.release.manual.apply.latency").timer();
            assertEquals(1, latency.count());
            assertEquals(30.0, latency.totalTime(java.util.concurrent.TimeUnit.SECONDS), 0.001);
            var lateness = meters.get("packwright.release.window.lateness").timer();
            assertEquals(1, lateness.count());
            assertEquals(2.0, lateness.totalTime(java.util.concurrent.TimeUnit.SECONDS), 0.001);

            context.getBean(ReleaseStatusGauges.class).refresh();
            assertEquals(
                    2.0,
                    meters.get("packwright.releases")
                            .tag("status", "IN_PROGRESS")
                            .gauge()
                            .value(),
                    "the immediate release and the one just opened");
            assertEquals(
                    2.0,
                    meters.get("packwright.releases")
                            .tag("status", "RELEASED")
                            .gauge()
                            .value(),
                    "the first releases of both packs");

            String scraped = context.getBean(PrometheusMeterRegistry.class).scrape();
            for (String name : List.of(
                    "packwright_release_instances_total{mode=\"IMMEDIATE\",outcome=\"applied\"} 3.0",
                    "packwright_release_window_lateness_seconds_bucket",
                    "packwright_release_manual_apply_latency_seconds_bucket",
                    "packwright_release_batch_seconds_count{mode=\"IMMEDIATE\"} 1",
                    "packwright_releases{status=\"IN_PROGRESS\"} 2.0")) {
                assertTrue(scraped.contains(name), name + " in\n" + scraped);
            }
        }
    }

    private static double instances(MeterRegistry meters, String outcome, ApplyMode mode) {
        return meters.get("packwright.release.instances")
                .tag("outcome", outcome)
                .tag("mode", mode.name())
                .counter()
                .count();
    }
}
