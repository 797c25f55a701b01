package io.packwright.activities.store.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.store.release.ReleaseRows.Counters;
import io.packwright.activities.store.release.ReleaseRows.Outcome;
import io.packwright.activities.store.release.ReleaseRows.Pack;
import io.packwright.workflows.release.ApplyMode;
import io.packwright.workflows.release.ReleaseStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link ReleaseFanOutStore#retryBatch} and {@link ReleaseFanOutStore#catchUp} on the real
 * PostgreSQL: the failed rows are written by a real fan-out batch, then retried, and the rows they
 * leave are read with SQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseRetryStoreTest {

    /** When the fan-out recorded the failures. */
    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05.123456Z");
    /** When the retry was asked for. */
    private static final Instant ASKED = NOW.plus(Duration.ofHours(1));
    /** When the retry ran. */
    private static final Instant RETRIED = ASKED.plus(Duration.ofSeconds(1));

    private final TestDatabase database = TestDatabases.create().migrate();
    private ApplicationContext context;
    private ReleaseFanOutStore store;
    private Connection db;
    private ReleaseRows rows;

    @BeforeAll
    void start() throws SQLException {
        context = ReleaseRows.context(database);
        store = context.getBean(ReleaseFanOutStore.class);
        db = database.connect();
        rows = new ReleaseRows(db);
    }

    @AfterAll
    void stop() throws SQLException {
        db.close();
        context.close();
    }

    /** Release 2 of the pack, current, requiring {@code apiKey}, failed on {@code count} instances; then {@code status}. */
    private UUID failedOn(Pack pack, int count, String status) throws SQLException {
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        rows.declares(pack, release, "apiKey:true:");
        rows.exec("UPDATE integration_packs SET current_release_id = ? WHERE id = ?", release, pack.id());
        rows.instances(pack, pack.first(), count);
        FanOutBatch fanOut = store.applyBatch(release, ApplyMode.IMMEDIATE, null, null, 100, null, NOW);
        assertEquals(count, fanOut.failed());
        rows.exec("UPDATE releases SET status = ? WHERE id = ?", status, release);
        return release;
    }

    private long attempts(UUID release, UUID instance) throws SQLException {
        return rows.count(
                "SELECT attempts FROM release_instances WHERE release_id = ? AND integration_pack_instance_id = ?",
                release,
                instance);
    }

    private static String reason(UUID instance) {
        return "required extension 'apiKey' has no value and no default; set it with PUT"
                + " /api/v1/integration-pack-instances/" + instance + "/extensions";
    }

    // --- retryBatch ---

    @Test
    void aRetryAppliesTheFailedInstancesThatCanTakeItNowAndCountsEveryAttempt() throws SQLException {
        for (String status : List.of("RELEASED", "IN_PROGRESS", "PAUSED")) {
            Pack pack = rows.pack();
            UUID release = failedOn(pack, 4, status);
            List<UUID> instances = rows.instances(pack, pack.first(), 0);
            rows.value(instances.get(0), "apiKey");
            rows.value(instances.get(2), "apiKey");

            FanOutBatch batch = store.retryBatch(release, ASKED, null, 10, RETRIED);

            assertEquals(new FanOutBatch(ReleaseStatus.valueOf(status), instances.get(3), true, 2, 2), batch, status);
            assertEquals(
                    List.of(
                            new Outcome(instances.get(0), pack.account(), "APPLIED", "RETRY", RETRIED, null, RETRIED),
                            new Outcome(
                                    instances.get(1),
                                    pack.account(),
                                    "FAILED",
                                    null,
                                    null,
                                    reason(instances.get(1)),
                                    RETRIED),
                            new Outcome(instances.get(2), pack.account(), "APPLIED", "RETRY", RETRIED, null, RETRIED),
                            new Outcome(
                                    instances.get(3),
                                    pack.account(),
                                    "FAILED",
                                    null,
                                    null,
                                    reason(instances.get(3)),
                                    RETRIED)),
                    rows.ledger(release),
                    status);
            for (UUID instance : instances) {
                assertEquals(2, attempts(release, instance), "the fan-out's try and the retry's");
            }
            assertEquals(new Counters(0, 2, 2), rows.counters(release), "RETRY counts as applied automatically");
            Map<UUID, UUID> installed = rows.installed(pack.id());
            assertEquals(release, installed.get(instances.get(0)));
            assertEquals(pack.first(), installed.get(instances.get(1)));
            assertEquals(RETRIED, rows.updatedAt(instances.get(2)));
            assertEquals(ReleaseRows.BEFORE, rows.updatedAt(instances.get(3)));
            assertEquals(status, rows.lifecycle(release).status(), "a retry changes no release status");
        }
    }

    @Test
    void batchesWalkTheFailedRowsInIdOrderAndARerunCountsNoAttemptTwice() throws SQLException {
        Pack pack = rows.pack();
        UUID release = failedOn(pack, 5, "RELEASED");
        List<UUID> instances = rows.instances(pack, pack.first(), 0);
        // instance 4 moved on to a newer release meanwhile: it keeps its row for release 2 as it is
        UUID newer = rows.release(pack.id(), 9, "RELEASED");
        rows.exec(
                "UPDATE integration_pack_instances SET installed_release_id = ? WHERE id = ?", newer, instances.get(4));
        rows.value(instances.get(4), "apiKey");

        FanOutBatch first = store.retryBatch(release, ASKED, null, 2, RETRIED);
        assertEquals(new FanOutBatch(ReleaseStatus.RELEASED, instances.get(1), false, 0, 2), first);
        FanOutBatch rerun = store.retryBatch(release, ASKED, null, 2, RETRIED);
        assertEquals(
                new FanOutBatch(ReleaseStatus.RELEASED, instances.get(3), false, 0, 2),
                rerun,
                "the rows the first batch retried are not retried again");
        FanOutBatch last = store.retryBatch(release, ASKED, rerun.after(), 2, RETRIED);
        assertEquals(new FanOutBatch(ReleaseStatus.RELEASED, instances.get(4), true, 0, 0), last);
        FanOutBatch again = store.retryBatch(release, ASKED, null, 2, RETRIED);
        assertEquals(
                new FanOutBatch(ReleaseStatus.RELEASED, instances.get(4), true, 0, 0),
                again,
                "only the row that this retry could not change is read again");

        for (UUID instance : instances.subList(0, 4)) {
            assertEquals(2, attempts(release, instance), instance.toString());
        }
        assertEquals(1, attempts(release, instances.get(4)), "an instance on a newer release is not retried");
        assertEquals("FAILED", rows.ledger(release).get(4).status());
        assertEquals(new Counters(0, 0, 5), rows.counters(release));

        // a later retry counts the attempts on
        FanOutBatch later = store.retryBatch(release, RETRIED.plusSeconds(60), null, 10, RETRIED.plusSeconds(61));
        assertEquals(new FanOutBatch(ReleaseStatus.RELEASED, instances.get(4), true, 0, 4), later);
        assertEquals(3, attempts(release, instances.get(0)));
    }

    @Test
    void aReleaseThatIsNotRetriableRetriesNothing() throws SQLException {
        for (String status : List.of("SUPERSEDED", "CANCELLED", "ABORTED")) {
            Pack pack = rows.pack();
            UUID release = failedOn(pack, 1, status);
            List<UUID> instances = rows.instances(pack, pack.first(), 0);
            rows.value(instances.get(0), "apiKey");
            List<Outcome> before = rows.ledger(release);

            FanOutBatch batch = store.retryBatch(release, ASKED, null, 10, RETRIED);

            assertEquals(new FanOutBatch(ReleaseStatus.valueOf(status), null, false, 0, 0), batch);
            assertEquals(before, rows.ledger(release));
            assertEquals(1, attempts(release, instances.get(0)));
        }
        Pack deleted = rows.pack();
        UUID release = failedOn(deleted, 1, "IN_PROGRESS");
        rows.value(rows.instances(deleted, deleted.first(), 0).get(0), "apiKey");
        rows.exec("UPDATE integration_packs SET deleted_at = ? WHERE id = ?", NOW, deleted.id());
        assertEquals(
                new FanOutBatch(ReleaseStatus.CANCELLED, null, false, 0, 0),
                store.retryBatch(release, ASKED, null, 10, RETRIED));
        assertThrows(
                ReleaseNotFoundException.class, () -> store.retryBatch(UUID.randomUUID(), ASKED, null, 10, RETRIED));
    }

    @Test
    void anAbortThatCommitsWhileABatchRunsRollsTheBatchBack() throws Exception {
        Pack pack = rows.pack();
        UUID release = failedOn(pack, 3, "IN_PROGRESS");
        List<UUID> instances = rows.instances(pack, pack.first(), 0);
        for (UUID instance : instances) {
            rows.value(instance, "apiKey");
        }
        List<Outcome> before = rows.ledger(release);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection api = database.connect()) {
            api.setAutoCommit(false);
            new ReleaseRows(api).exec("UPDATE releases SET status = 'ABORTED' WHERE id = ?", release);

            Future<FanOutBatch> batch = executor.submit(() -> store.retryBatch(release, ASKED, null, 10, RETRIED));
            awaitLockWait();
            api.commit();

            assertEquals(new FanOutBatch(ReleaseStatus.ABORTED, null, false, 0, 0), batch.get(30, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
        assertEquals(before, rows.ledger(release));
        for (UUID instance : instances) {
            assertEquals(1, attempts(release, instance));
            assertEquals(pack.first(), rows.installed(pack.id()).get(instance));
        }
        assertEquals(new Counters(0, 0, 3), rows.counters(release));
    }

    // --- catchUp ---

    @Test
    void anInstanceIsCaughtUpOnceItsValuesLetItTakeTheCurrentRelease() throws SQLException {
        for (String status : List.of("IN_PROGRESS", "RELEASED")) {
            Pack pack = rows.pack();
            UUID release = failedOn(pack, 2, status);
            List<UUID> instances = rows.instances(pack, pack.first(), 0);
            UUID instance = instances.get(0);
            List<Outcome> before = rows.ledger(release);

            assertFalse(store.catchUp(instance, ASKED), "still without its value");
            assertEquals(before, rows.ledger(release), "a catch-up that cannot apply changes nothing");
            assertEquals(1, attempts(release, instance));

            rows.value(instance, "apiKey");
            rows.request(release, instance, 1);
            assertTrue(store.catchUp(instance, RETRIED), status);

            assertEquals(
                    new Outcome(instance, pack.account(), "APPLIED", "RETRY", RETRIED, null, RETRIED),
                    rows.ledger(release).get(0));
            assertEquals(before.get(1), rows.ledger(release).get(1), "the other instance is left alone");
            assertEquals(2, attempts(release, instance));
            assertEquals(release, rows.installed(pack.id()).get(instance));
            assertEquals(new Counters(0, 1, 1), rows.counters(release));
            assertEquals(List.of(), rows.requests(release), "its apply request is handled");

            assertFalse(store.catchUp(instance, RETRIED.plusSeconds(1)), "once caught up, there is nothing to do");
            assertEquals(2, attempts(release, instance));
        }
    }

    @Test
    void onlyAFailedCurrentReleaseThatIsInProgressOrReleasedCatchesAnInstanceUp() throws SQLException {
        Pack paused = rows.pack();
        UUID pausedRelease = failedOn(paused, 1, "PAUSED");
        UUID pausedInstance = rows.instances(paused, paused.first(), 0).get(0);
        rows.value(pausedInstance, "apiKey");
        assertFalse(store.catchUp(pausedInstance, RETRIED), "a paused release applies nothing");
        assertEquals("FAILED", rows.ledger(pausedRelease).get(0).status());

        Pack replaced = rows.pack();
        UUID old = failedOn(replaced, 1, "RELEASED");
        UUID replacedInstance = rows.instances(replaced, replaced.first(), 0).get(0);
        UUID newer = rows.release(replaced.id(), 3, "RELEASED");
        rows.exec("UPDATE integration_packs SET current_release_id = ? WHERE id = ?", newer, replaced.id());
        rows.value(replacedInstance, "apiKey");
        assertFalse(store.catchUp(replacedInstance, RETRIED), "release 2 is no longer current; 3 did not fail on it");
        assertEquals("FAILED", rows.ledger(old).get(0).status());
        assertEquals(replaced.first(), rows.installed(replaced.id()).get(replacedInstance));

        Pack aborted = rows.pack();
        UUID abortedRelease = failedOn(aborted, 1, "ABORTED");
        UUID abortedInstance = rows.instances(aborted, aborted.first(), 0).get(0);
        rows.value(abortedInstance, "apiKey");
        assertFalse(store.catchUp(abortedInstance, RETRIED));
        assertEquals(1, attempts(abortedRelease, abortedInstance));

        Pack untried = rows.pack();
        UUID current = rows.release(untried.id(), 2, "IN_PROGRESS");
        rows.exec("UPDATE integration_packs SET current_release_id = ? WHERE id = ?", current, untried.id());
        UUID waiting = rows.instance(untried, untried.first());
        assertFalse(store.catchUp(waiting, RETRIED), "without a FAILED row the fan-out will reach it");
        assertEquals(List.of(), rows.ledger(current));
        assertEquals(untried.first(), rows.installed(untried.id()).get(waiting));
    }

    /** Waits until a session of this test's database waits for a row lock. */
    private void awaitLockWait() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rows.count("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND wait_event_type = 'Lock'")
                == 0) {
            assertTrue(System.nanoTime() < deadline, "the batch never waited for the release row");
            Thread.sleep(20);
        }
    }
}
