package io.packwright.activities.store.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.store.notify.NotificationChannel;
import io.packwright.activities.store.release.ReleaseRows.Counters;
import io.packwright.activities.store.release.ReleaseRows.Lifecycle;
import io.packwright.activities.store.release.ReleaseRows.Outcome;
import io.packwright.activities.store.release.ReleaseRows.Pack;
import io.packwright.workflows.release.ApplyMode;
import io.packwright.workflows.release.ReleaseActivities.ApplyRequestedResult;
import io.packwright.workflows.release.ReleaseActivities.CompleteReleaseResult;
import io.packwright.workflows.release.ReleaseActivities.FinishCancelledResult;
import io.packwright.workflows.release.ReleaseActivities.OpenReleaseResult;
import io.packwright.workflows.release.ReleaseStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The release workflow's SQL on the real PostgreSQL and the real migrations: every test starts from
 * rows written with SQL, calls the store as the activities do, and checks the rows it leaves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseFanOutStoreTest {

    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05.123456Z");
    private static final Instant LATER = NOW.plus(Duration.ofHours(1));

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

    // --- applyBatch ---

    @Test
    void aBatchAppliesTheReleaseRecordsTheLedgerAndCountsIt() throws SQLException {
        Pack pack = rows.pack();
        UUID other = rows.managed(pack.partner());
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        rows.instances(pack, pack.first(), 4);
        rows.instance(pack, other, pack.first());
        List<UUID> instances = instancesOf(pack);

        FanOutBatch batch = store.applyBatch(release, ApplyMode.IMMEDIATE, null, null, 10, null, NOW);

        assertEquals(new FanOutBatch(ReleaseStatus.IN_PROGRESS, instances.get(4), true, 5, 0), batch);
        List<Outcome> ledger = rows.ledger(release);
        assertEquals(instances, ledger.stream().map(Outcome::instance).toList());
        for (Outcome outcome : ledger) {
            UUID account = outcome.instance().equals(instanceOf(pack, other)) ? other : pack.account();
            assertEquals(new Outcome(outcome.instance(), account, "APPLIED", "IMMEDIATE", NOW, null, NOW), outcome);
        }
        assertEquals(new Counters(0, 5, 0), rows.counters(release));
        for (UUID instance : instances) {
            assertEquals(release, rows.installed(pack.id()).get(instance));
            assertEquals(NOW, rows.updatedAt(instance));
        }
    }

    @Test
    void batchesWalkTheLaneInIdOrderAndStopWhenItIsExhausted() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        List<UUID> instances = rows.instances(pack, pack.first(), 5);

        FanOutBatch first = store.applyBatch(release, ApplyMode.AUTOMATIC, null, null, 2, null, NOW);
        assertEquals(new FanOutBatch(ReleaseStatus.IN_PROGRESS, instances.get(1), false, 2, 0), first);
        assertEquals(instances.subList(0, 2), appliedInstances(release));

        FanOutBatch second = store.applyBatch(release, ApplyMode.AUTOMATIC, first.after(), null, 2, null, NOW);
        assertEquals(new FanOutBatch(ReleaseStatus.IN_PROGRESS, instances.get(3), false, 2, 0), second);
        FanOutBatch third = store.applyBatch(release, ApplyMode.AUTOMATIC, second.after(), null, 2, null, NOW);
        assertEquals(new FanOutBatch(ReleaseStatus.IN_PROGRESS, instances.get(4), true, 1, 0), third);
        FanOutBatch beyond = store.applyBatch(release, ApplyMode.AUTOMATIC, third.after(), null, 2, null, NOW);
        assertEquals(new FanOutBatch(ReleaseStatus.IN_PROGRESS, instances.get(4), true, 0, 0), beyond);

        assertEquals(instances, appliedInstances(release));
        assertEquals(new Counters(0, 5, 0), rows.counters(release));
    }

    @Test
    void rerunningABatchChangesNothing() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        rows.declares(pack, release, "apiKey:true:");
        List<UUID> instances = rows.instances(pack, pack.first(), 4);
        rows.value(instances.get(0), "apiKey");
        rows.value(instances.get(2), "apiKey");
        store.applyBatch(release, ApplyMode.AUTOMATIC, null, null, 10, null, NOW);
        List<Outcome> ledger = rows.ledger(release);
        Map<UUID, UUID> installed = rows.installed(pack.id());

        FanOutBatch rerun = store.applyBatch(release, ApplyMode.AUTOMATIC, null, null, 10, null, LATER);
        rows.value(instances.get(1), "apiKey");
        FanOutBatch afterTheFix = store.applyBatch(release, ApplyMode.AUTOMATIC, null, null, 10, null, LATER);

        assertEquals(new FanOutBatch(ReleaseStatus.IN_PROGRESS, instances.get(3), true, 0, 0), rerun);
        assertEquals(rerun, afterTheFix, "a FAILED outcome is final for the release");
        assertEquals(ledger, rows.ledger(release));
        assertEquals(installed, rows.installed(pack.id()));
        assertEquals(new Counters(0, 2, 2), rows.counters(release));
        for (UUID instance : instances) {
            assertTrue(rows.updatedAt(instance).isBefore(LATER));
        }
    }

    @Test
    void theLanesOfThePartitionCoverEveryInstanceExactlyOnce() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        List<UUID> instances = rows.instances(pack, pack.first(), 23);
        Pack neighbour = rows.pack();
        rows.instances(neighbour, neighbour.first(), 5);

        List<UUID> bounds = store.partition(release, 4).upperBounds();

        assertEquals(List.of(instances.get(5), instances.get(11), instances.get(17)), bounds, "sizes 6, 6, 6, 5");
        List<UUID> handled = new ArrayList<>();
        for (int lane = 0; lane <= bounds.size(); lane++) {
            UUID after = lane == 0 ? null : bounds.get(lane - 1);
            UUID upTo = lane == bounds.size() ? null : bounds.get(lane);
            List<UUID> laneInstances = new ArrayList<>();
            FanOutBatch batch;
            do {
                batch = store.applyBatch(release, ApplyMode.AUTOMATIC, after, upTo, 4, null, NOW);
                laneInstances.addAll(appliedInstances(release).stream()
                        .filter(id -> !handled.contains(id) && !laneInstances.contains(id))
                        .toList());
                after = batch.after();
            } while (!batch.exhausted());
            assertEquals(lane == 3 ? 5 : 6, laneInstances.size(), "lane " + lane);
            handled.addAll(laneInstances);
        }
        assertEquals(instances, handled);
        assertEquals(instances, appliedInstances(release));
        assertEquals(new Counters(0, 23, 0), rows.counters(release));
        assertEquals(
                0,
                rows.count(
                        "SELECT count(*) FROM release_instances WHERE integration_pack_instance_id IN"
                                + " (SELECT id FROM integration_pack_instances WHERE integration_pack_id = ?)",
                        neighbour.id()),
                "other packs are left alone");
    }

    @Test
    void aPackWithFewerInstancesThanLanesHasFewerRangesAndAnEmptyOneHasOne() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        assertEquals(List.of(), store.partition(release, 4).upperBounds());

        List<UUID> instances = rows.instances(pack, pack.first(), 2);
        assertEquals(List.of(instances.get(0)), store.partition(release, 4).upperBounds());
        assertEquals(List.of(), store.partition(release, 1).upperBounds());
    }

    @Test
    void aRequiredSecretWithAnEncryptedDefaultNeedsNoValue() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        rows.declaresSecretWithDefault(pack, release, "apiKey");
        rows.declares(pack, release, "region:true:");
        List<UUID> instances = rows.instances(pack, pack.first(), 2);
        rows.value(instances.get(0), "region");

        assertEquals(
                new FanOutBatch(ReleaseStatus.IN_PROGRESS, instances.get(1), true, 1, 1),
                store.applyBatch(release, ApplyMode.AUTOMATIC, null, null, 10, null, NOW));
        List<Outcome> ledger = rows.ledger(release);
        assertEquals("APPLIED", ledger.get(0).status());
        assertTrue(ledger.get(1).reason().startsWith("required extension 'region' has"), ledger.get(1)::reason);
    }

    @Test
    void aFailureReasonNamesTenKeysAndCountsTheRest() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        String[] required = new String[13];
        for (int i = 0; i < required.length; i++) {
            required[i] = String.format("key%02d:true:", i + 1);
        }
        rows.declares(pack, release, required);
        UUID instance = rows.instance(pack, pack.first());
        rows.value(instance, "key02");

        store.applyBatch(release, ApplyMode.AUTOMATIC, null, null, 10, null, NOW);

        assertEquals(
                "required extensions 'key01', 'key03', 'key04', 'key05', 'key06', 'key07', 'key08', 'key09', 'key10',"
                        + " 'key11', … and 2 more have no value and no default; set them with PUT"
                        + " /api/v1/integration-pack-instances/" + instance + "/extensions",
                rows.ledger(release).get(0).reason());
    }

    @Test
    void anInstanceWithoutARequiredValueFailsWithTheReasonAndTheOthersAreApplied() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        rows.declares(pack, release, "apiKey:true:", "region:true:eu", "note:false:");
        rows.declares(pack, release, "apiKey:false:", "region:false:", "secretToken:true:");
        List<UUID> instances = rows.instances(pack, pack.first(), 3);
        rows.value(instances.get(0), "apiKey");
        rows.value(instances.get(0), "secretToken");
        rows.value(instances.get(1), "secretToken");

        FanOutBatch batch = store.applyBatch(release, ApplyMode.AUTOMATIC, null, null, 10, null, NOW);

        assertEquals(new FanOutBatch(ReleaseStatus.IN_PROGRESS, instances.get(2), true, 1, 2), batch);
        assertEquals(
                List.of(
                        new Outcome(instances.get(0), pack.account(), "APPLIED", "AUTOMATIC", NOW, null, NOW),
                        new Outcome(
                                instances.get(1),
                                pack.account(),
                                "FAILED",
                                null,
                                null,
                                "required extension 'apiKey' has no value and no default; set it with PUT"
                                        + " /api/v1/integration-pack-instances/" + instances.get(1) + "/extensions",
                                NOW),
                        new Outcome(
                                instances.get(2),
                                pack.account(),
                                "FAILED",
                                null,
                                null,
                                "required extensions 'apiKey', 'secretToken' have no value and no default; set them"
                                        + " with PUT /api/v1/integration-pack-instances/" + instances.get(2)
                                        + "/extensions",
                                NOW)),
                rows.ledger(release));
        assertEquals(new Counters(0, 1, 2), rows.counters(release));
        Map<UUID, UUID> installed = rows.installed(pack.id());
        assertEquals(release, installed.get(instances.get(0)));
        assertEquals(pack.first(), installed.get(instances.get(1)), "an instance that cannot take it is unchanged");
        assertEquals(pack.first(), installed.get(instances.get(2)));
        assertEquals(ReleaseRows.BEFORE, rows.updatedAt(instances.get(1)));
    }

    @Test
    void anInstanceOnANewerReleaseIsNeverDowngraded() throws SQLException {
        Pack pack = rows.pack();
        UUID second = rows.release(pack.id(), 2, "SUPERSEDED");
        UUID third = rows.release(pack.id(), 3, "IN_PROGRESS");
        UUID older = rows.instance(pack, pack.first());
        UUID newer = rows.instance(pack, third);
        rows.exec("UPDATE releases SET status = 'IN_PROGRESS' WHERE id = ?", second);

        FanOutBatch batch = store.applyBatch(second, ApplyMode.IMMEDIATE, null, null, 10, null, NOW);

        assertEquals(new FanOutBatch(ReleaseStatus.IN_PROGRESS, maxOf(older, newer), true, 1, 0), batch);
        assertEquals(List.of(older), appliedInstances(second));
        assertEquals(third, rows.installed(pack.id()).get(newer));
        assertEquals(ReleaseRows.BEFORE, rows.updatedAt(newer));
        assertEquals(new Counters(0, 1, 0), rows.counters(second));
    }

    @Test
    void instancesOnTheReleaseOrWithAnOutcomeForItAreSkipped() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        rows.declares(pack, release, "apiKey:true:");
        UUID installedOnIt = rows.instance(pack, release);
        UUID failedBefore = rows.instance(pack, pack.first());
        rows.exec(
                "INSERT INTO release_instances VALUES (?, ?, ?, 'FAILED', NULL, NULL, 'earlier', ?)",
                release,
                failedBefore,
                pack.account(),
                ReleaseRows.BEFORE);

        FanOutBatch batch = store.applyBatch(release, ApplyMode.AUTOMATIC, null, null, 10, null, NOW);

        assertEquals(0, batch.applied());
        assertEquals(0, batch.failed());
        assertEquals(
                List.of(new Outcome(failedBefore, pack.account(), "FAILED", null, null, "earlier", ReleaseRows.BEFORE)),
                rows.ledger(release));
        // the counters are the ledger's figures: the earlier failure, and nothing from this batch
        assertEquals(new Counters(0, 0, 1), rows.counters(release));
        assertEquals(ReleaseRows.BEFORE, rows.updatedAt(installedOnIt));
    }

    @Test
    void aClosedReleaseAppliesNothing() throws SQLException {
        for (String status : List.of("SUPERSEDED", "CANCELLED", "RELEASED", "SCHEDULED")) {
            Pack pack = rows.pack();
            UUID release = rows.release(pack.id(), 2, status);
            UUID instance = rows.instance(pack, pack.first());

            FanOutBatch batch = store.applyBatch(release, ApplyMode.AUTOMATIC, null, null, 10, null, NOW);

            assertEquals(new FanOutBatch(ReleaseStatus.valueOf(status), null, false, 0, 0), batch);
            assertEquals(List.of(), rows.ledger(release));
            assertEquals(pack.first(), rows.installed(pack.id()).get(instance));
        }
        Pack deleted = rows.pack();
        UUID release = rows.release(deleted.id(), 2, "IN_PROGRESS");
        UUID instance = rows.instance(deleted, deleted.first());
        rows.exec("UPDATE integration_packs SET deleted_at = ? WHERE id = ?", NOW, deleted.id());

        FanOutBatch batch = store.applyBatch(release, ApplyMode.AUTOMATIC, instance, null, 10, null, NOW);

        assertEquals(new FanOutBatch(ReleaseStatus.CANCELLED, instance, false, 0, 0), batch);
        assertEquals(List.of(), rows.ledger(release));
        assertEquals(deleted.first(), rows.installed(deleted.id()).get(instance));
        assertEquals("IN_PROGRESS", rows.lifecycle(release).status(), "reporting changes nothing");
    }

    @Test
    void aStatusChangeThatCommitsWhileABatchRunsRollsTheBatchBack() throws Exception {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        rows.instances(pack, pack.first(), 3);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection api = database.connect()) {
            api.setAutoCommit(false);
            new ReleaseRows(api).exec("UPDATE releases SET status = 'SUPERSEDED' WHERE id = ?", release);

            Future<FanOutBatch> batch =
                    executor.submit(() -> store.applyBatch(release, ApplyMode.AUTOMATIC, null, null, 10, null, NOW));
            awaitLockWait();
            api.commit();

            assertEquals(new FanOutBatch(ReleaseStatus.SUPERSEDED, null, false, 0, 0), batch.get(30, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
        assertEquals(List.of(), rows.ledger(release));
        assertEquals(new Counters(0, 0, 0), rows.counters(release));
        assertTrue(rows.installed(pack.id()).values().stream().allMatch(pack.first()::equals));
    }

    @Test
    void parallelLanesNeitherDeadlockNorMiscount() throws Exception {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        rows.declares(pack, release, "apiKey:true:");
        List<UUID> instances = rows.instances(pack, pack.first(), 120);
        for (int i = 0; i < instances.size(); i += 7) {
            rows.value(instances.get(i), "apiKey");
        }
        List<UUID> bounds = store.partition(release, 4).upperBounds();
        List<Callable<Object>> lanes = new ArrayList<>();
        for (int lane = 0; lane <= bounds.size(); lane++) {
            UUID from = lane == 0 ? null : bounds.get(lane - 1);
            UUID upTo = lane == bounds.size() ? null : bounds.get(lane);
            lanes.add(() -> {
                UUID after = from;
                FanOutBatch batch;
                do {
                    batch = store.applyBatch(release, ApplyMode.AUTOMATIC, after, upTo, 3, null, NOW);
                    after = batch.after();
                } while (!batch.exhausted());
                return null;
            });
        }

        runTogether(lanes);

        assertEquals(120, rows.ledger(release).size());
        assertEquals(new Counters(0, 18, 102), rows.counters(release));
    }

    // --- applyRequested ---

    @Test
    void drainsInFlightTogetherClaimDisjointRequestsAndNeverWaitForEachOther() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "SCHEDULED");
        List<UUID> instances = rows.instances(pack, pack.first(), 3);
        for (int i = 0; i < instances.size(); i++) {
            rows.request(release, instances.get(i), i);
        }
        try (Connection otherDrain = database.connect()) {
            // another drain's transaction holds the instance of the oldest request
            otherDrain.setAutoCommit(false);
            try (PreparedStatement claim =
                    otherDrain.prepareStatement("SELECT 1 FROM integration_pack_instances WHERE id = ? FOR UPDATE")) {
                claim.setObject(1, instances.get(0));
                claim.executeQuery().close();
            }

            ApplyRequestedResult beside = store.applyRequested(release, 10, NOW);

            assertEquals(
                    new ApplyRequestedResult(ReleaseStatus.SCHEDULED, 2, 0, false, ReleaseRows.WINDOW_START),
                    beside,
                    "the others, without waiting; nothing is left that no drain holds");
            assertEquals(List.of(instances.get(0)), rows.requests(release));
            otherDrain.rollback();
        }

        assertEquals(
                new ApplyRequestedResult(ReleaseStatus.SCHEDULED, 1, 0, false, ReleaseRows.WINDOW_START),
                store.applyRequested(release, 10, LATER));
        assertEquals(sorted(instances.toArray(UUID[]::new)), appliedInstances(release));
        assertEquals(new Counters(3, 0, 0), rows.counters(release));
    }

    @Test
    void queuedManualAppliesAreAppliedOldestFirstAndWhatCannotTakeTheReleaseIsRejected() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "SCHEDULED");
        rows.declares(pack, release, "apiKey:true:");
        List<UUID> instances = rows.instances(pack, pack.first(), 4);
        rows.value(instances.get(0), "apiKey");
        rows.value(instances.get(2), "apiKey");
        rows.request(release, instances.get(2), 1);
        rows.request(release, instances.get(1), 2);
        rows.request(release, instances.get(0), 3);
        UUID gone = rows.instance(pack, pack.first());
        rows.request(release, gone, 4);

        ApplyRequestedResult first = store.applyRequested(release, 2, NOW);

        assertEquals(new ApplyRequestedResult(ReleaseStatus.SCHEDULED, 1, 1, true, ReleaseRows.WINDOW_START), first);
        assertEquals(
                List.of(new Outcome(instances.get(2), pack.account(), "APPLIED", "MANUAL", NOW, null, NOW)),
                rows.ledger(release),
                "no ledger row for the instance without its value: the window may still apply it");
        assertEquals(pack.first(), rows.installed(pack.id()).get(instances.get(1)));
        assertEquals(sorted(instances.get(0), gone), rows.requests(release));
        assertEquals(new Counters(1, 0, 0), rows.counters(release));

        rows.exec("DELETE FROM integration_pack_instances WHERE id = ?", gone);
        rows.request(release, instances.get(2), 5);
        ApplyRequestedResult second = store.applyRequested(release, 10, LATER);

        assertEquals(new ApplyRequestedResult(ReleaseStatus.SCHEDULED, 1, 0, false, ReleaseRows.WINDOW_START), second);
        assertEquals(List.of(instances.get(0), instances.get(2)), appliedInstances(release));
        assertEquals(release, rows.installed(pack.id()).get(instances.get(0)));
        assertEquals(LATER, rows.updatedAt(instances.get(0)));
        assertEquals(NOW, rows.updatedAt(instances.get(2)), "applying twice is harmless");
        assertEquals(List.of(), rows.requests(release));
        assertEquals(new Counters(2, 0, 0), rows.counters(release));
        assertEquals(
                new ApplyRequestedResult(ReleaseStatus.SCHEDULED, 0, 0, false, ReleaseRows.WINDOW_START),
                store.applyRequested(release, 10, LATER));
    }

    @Test
    void queuedManualAppliesOfAReleaseThatIsNotScheduledAreLeftAlone() throws SQLException {
        for (String status : List.of("IN_PROGRESS", "SUPERSEDED", "RELEASED", "CANCELLED")) {
            Pack pack = rows.pack();
            UUID release = rows.release(pack.id(), 2, status);
            UUID instance = rows.instance(pack, pack.first());
            rows.request(release, instance, 1);

            assertEquals(
                    new ApplyRequestedResult(ReleaseStatus.valueOf(status), 0, 0, false, null),
                    store.applyRequested(release, 10, NOW));
            assertEquals(List.of(), rows.ledger(release));
            assertEquals(List.of(instance), rows.requests(release));
        }
        Pack deleted = rows.pack();
        UUID release = rows.release(deleted.id(), 2, "SCHEDULED");
        rows.request(release, rows.instance(deleted, deleted.first()), 1);
        rows.exec("UPDATE integration_packs SET deleted_at = ? WHERE id = ?", NOW, deleted.id());
        assertEquals(
                new ApplyRequestedResult(ReleaseStatus.CANCELLED, 0, 0, false, ReleaseRows.WINDOW_START),
                store.applyRequested(release, 10, NOW));
        assertEquals(List.of(), rows.ledger(release));
    }

    @Test
    void manualAppliesRacingTheWindowAndARetriedLaneLeaveOneLedgerRowPerInstance() throws Exception {
        for (int round = 0; round < 15; round++) {
            Pack pack = rows.pack();
            UUID release = rows.release(pack.id(), 2, "SCHEDULED");
            List<UUID> instances = rows.instances(pack, pack.first(), 30);
            for (int i = 0; i < instances.size(); i++) {
                rows.request(release, instances.get(instances.size() - 1 - i), i);
            }
            Callable<Object> manual = () -> {
                ApplyRequestedResult result;
                do {
                    result = store.applyRequested(release, 3, NOW);
                } while (result.status() == ReleaseStatus.SCHEDULED && result.moreQueued());
                return null;
            };
            // the window opens a little later each round, so that every interleaving comes up
            long windowOpensAfter = round * 3L;
            Callable<Object> window = () -> {
                Thread.sleep(windowOpensAfter);
                store.openRelease(release, NOW);
                return null;
            };
            Callable<Object> lane = () -> {
                UUID after = null;
                FanOutBatch batch;
                do {
                    batch = store.applyBatch(release, ApplyMode.AUTOMATIC, after, null, 4, null, NOW);
                    after = batch.status() == ReleaseStatus.SCHEDULED ? null : batch.after();
                } while (!batch.exhausted());
                return null;
            };

            runTogether(List.of(manual, window, lane, lane));

            List<Outcome> ledger = rows.ledger(release);
            assertEquals(instances, ledger.stream().map(Outcome::instance).toList(), "round " + round);
            assertTrue(ledger.stream().allMatch(outcome -> outcome.status().equals("APPLIED")));
            long manually = ledger.stream()
                    .filter(outcome -> outcome.mode().equals("MANUAL"))
                    .count();
            assertEquals(new Counters(manually, 30 - manually, 0), rows.counters(release), "round " + round);
            assertTrue(rows.installed(pack.id()).values().stream().allMatch(release::equals));
        }
    }

    // --- openRelease ---

    @Test
    void openingAScheduledReleaseStartsItAndMakesItCurrent() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "SCHEDULED");

        assertEquals(new OpenReleaseResult(ReleaseStatus.IN_PROGRESS, true, null), store.openRelease(release, NOW));
        assertEquals(new Lifecycle("IN_PROGRESS", NOW, null), rows.lifecycle(release));
        assertEquals(release, rows.currentRelease(pack.id()));

        assertEquals(new OpenReleaseResult(ReleaseStatus.IN_PROGRESS, true, null), store.openRelease(release, LATER));
        assertEquals(new Lifecycle("IN_PROGRESS", NOW, null), rows.lifecycle(release), "started once");
    }

    @Test
    void openingAnImmediateReleaseRecordsItsStartOnce() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        rows.exec("UPDATE integration_packs SET current_release_id = ? WHERE id = ?", release, pack.id());

        assertEquals(new OpenReleaseResult(ReleaseStatus.IN_PROGRESS, true, null), store.openRelease(release, NOW));
        assertEquals(new Lifecycle("IN_PROGRESS", NOW, null), rows.lifecycle(release));
        assertEquals(release, rows.currentRelease(pack.id()));
    }

    @Test
    void openingAReleaseNeverMovesTheCurrentReleaseBackwards() throws SQLException {
        Pack pack = rows.pack();
        UUID second = rows.release(pack.id(), 2, "SCHEDULED");
        UUID third = rows.release(pack.id(), 3, "RELEASED");
        rows.exec("UPDATE integration_packs SET current_release_id = ? WHERE id = ?", third, pack.id());

        assertEquals(new OpenReleaseResult(ReleaseStatus.IN_PROGRESS, true, null), store.openRelease(second, NOW));

        assertEquals(third, rows.currentRelease(pack.id()));
    }

    @Test
    void openingAClosedReleaseChangesNothing() throws SQLException {
        for (String status : List.of("SUPERSEDED", "CANCELLED", "RELEASED")) {
            Pack pack = rows.pack();
            UUID release = rows.release(pack.id(), 2, status);

            assertEquals(
                    new OpenReleaseResult(ReleaseStatus.valueOf(status), false, null), store.openRelease(release, NOW));
            assertEquals(new Lifecycle(status, null, null), rows.lifecycle(release));
            assertEquals(pack.first(), rows.currentRelease(pack.id()));
        }
    }

    @Test
    void openingAReleaseOfADeletedPackCancelsIt() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "SCHEDULED");
        rows.exec("UPDATE integration_packs SET deleted_at = ? WHERE id = ?", NOW, pack.id());

        assertEquals(new OpenReleaseResult(ReleaseStatus.CANCELLED, false, null), store.openRelease(release, NOW));
        assertEquals(new Lifecycle("CANCELLED", null, NOW), rows.lifecycle(release));
        assertEquals(pack.first(), rows.currentRelease(pack.id()));
    }

    // --- notifications of handled apply requests ---

    @Test
    void everyHandledApplyRequestNotifiesItsInstanceAtCommit() throws Exception {
        try (Connection listening = database.connect()) {
            try (Statement listen = listening.createStatement()) {
                listen.execute("LISTEN " + NotificationChannel.APPLY_REQUEST_HANDLED.channel());
            }
            Pack pack = rows.pack();
            UUID scheduled = rows.release(pack.id(), 2, "SCHEDULED");
            rows.declares(pack, scheduled, "apiKey:true:");
            UUID takes = rows.instance(pack, pack.first());
            UUID lacks = rows.instance(pack, pack.first());
            UUID waits = rows.instance(pack, pack.first());
            rows.value(takes, "apiKey");
            rows.request(scheduled, takes, 1);
            rows.request(scheduled, lacks, 2);
            rows.request(scheduled, waits, 3);

            store.applyRequested(scheduled, 2, NOW);
            assertEquals(Set.of(takes.toString(), lacks.toString()), notified(listening, 2), "applied and rejected");

            store.finishCancelled(scheduled, NOW);
            assertEquals(Set.of(waits.toString()), notified(listening, 1), "dropped with its closed release");

            Pack fanned = rows.pack();
            UUID release = rows.release(fanned.id(), 2, "IN_PROGRESS");
            List<UUID> instances = rows.instances(fanned, fanned.first(), 5);
            rows.request(release, instances.get(1), 1);
            rows.request(release, instances.get(4), 2);

            store.applyBatch(release, ApplyMode.AUTOMATIC, null, null, 3, null, NOW);
            assertEquals(
                    Set.of(instances.get(1).toString()),
                    notified(listening, 1),
                    "the fan-out notifies only the requests of its batch");
            assertEquals(List.of(instances.get(4)), rows.requests(release));

            store.completeRelease(release, NOW);
            assertEquals(Set.of(instances.get(4).toString()), notified(listening, 1));
        }
    }

    /** The payloads of the next {@code expected} notifications the connection receives. */
    private static Set<String> notified(Connection listening, int expected) throws SQLException {
        PGConnection connection = listening.unwrap(PGConnection.class);
        Set<String> payloads = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (payloads.size() < expected && System.nanoTime() < deadline) {
            PGNotification[] arrived = connection.getNotifications(1_000);
            if (arrived != null) {
                for (PGNotification notification : arrived) {
                    assertEquals(NotificationChannel.APPLY_REQUEST_HANDLED.channel(), notification.getName());
                    payloads.add(notification.getParameter());
                }
            }
        }
        return payloads;
    }

    // --- completeRelease, finishCancelled ---

    @Test
    void completingAReleaseIsIdempotentAndDropsLeftoverRequests() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        rows.request(release, rows.instance(pack, pack.first()), 1);

        assertEquals(new CompleteReleaseResult(ReleaseStatus.RELEASED, NOW), store.completeRelease(release, NOW));
        assertEquals(new Lifecycle("RELEASED", null, NOW), rows.lifecycle(release));
        assertEquals(List.of(), rows.requests(release));

        assertEquals(new CompleteReleaseResult(ReleaseStatus.RELEASED, NOW), store.completeRelease(release, LATER));
        assertEquals(new Lifecycle("RELEASED", null, NOW), rows.lifecycle(release));
    }

    @Test
    void completingAReleaseThatEndedOtherwiseKeepsItsStatus() throws SQLException {
        Pack pack = rows.pack();
        UUID superseded = rows.release(pack.id(), 2, "SUPERSEDED");
        rows.exec("UPDATE releases SET completed_at = ? WHERE id = ?", NOW, superseded);
        assertEquals(
                new CompleteReleaseResult(ReleaseStatus.SUPERSEDED, NOW), store.completeRelease(superseded, LATER));
        assertEquals(new Lifecycle("SUPERSEDED", null, NOW), rows.lifecycle(superseded));

        UUID scheduled = rows.release(pack.id(), 3, "SCHEDULED");
        rows.request(scheduled, rows.instance(pack, pack.first()), 1);
        assertEquals(new CompleteReleaseResult(ReleaseStatus.SCHEDULED, null), store.completeRelease(scheduled, NOW));
        assertEquals(new Lifecycle("SCHEDULED", null, null), rows.lifecycle(scheduled));
        assertEquals(1, rows.requests(scheduled).size());

        Pack deleted = rows.pack();
        UUID cancelled = rows.release(deleted.id(), 2, "IN_PROGRESS");
        rows.exec("UPDATE integration_packs SET deleted_at = ? WHERE id = ?", NOW, deleted.id());
        assertEquals(
                new CompleteReleaseResult(ReleaseStatus.CANCELLED, LATER), store.completeRelease(cancelled, LATER));
        assertEquals(new Lifecycle("CANCELLED", null, LATER), rows.lifecycle(cancelled));
    }

    @Test
    void finishingACancelledWorkflowMakesItsReleaseTerminalOnce() throws SQLException {
        for (String status : List.of("SCHEDULED", "IN_PROGRESS")) {
            Pack pack = rows.pack();
            UUID release = rows.release(pack.id(), 2, status);
            rows.request(release, rows.instance(pack, pack.first()), 1);

            assertEquals(new FinishCancelledResult(ReleaseStatus.CANCELLED, true), store.finishCancelled(release, NOW));
            assertEquals(new Lifecycle("CANCELLED", null, NOW), rows.lifecycle(release));
            assertEquals(List.of(), rows.requests(release));

            assertEquals(
                    new FinishCancelledResult(ReleaseStatus.CANCELLED, true), store.finishCancelled(release, LATER));
            assertEquals(new Lifecycle("CANCELLED", null, NOW), rows.lifecycle(release));
        }
        for (String status : List.of("SUPERSEDED", "RELEASED")) {
            Pack pack = rows.pack();
            UUID release = rows.release(pack.id(), 2, status);
            rows.request(release, rows.instance(pack, pack.first()), 1);

            assertEquals(
                    new FinishCancelledResult(ReleaseStatus.valueOf(status), true),
                    store.finishCancelled(release, NOW));
            assertEquals(new Lifecycle(status, null, null), rows.lifecycle(release));
            assertEquals(List.of(), rows.requests(release));
        }
        assertEquals(
                new FinishCancelledResult(ReleaseStatus.CANCELLED, false),
                store.finishCancelled(UUID.randomUUID(), NOW));
    }

    @Test
    void aMissingReleaseIsReported() {
        UUID missing = UUID.randomUUID();
        assertEquals(
                missing,
                assertThrows(ReleaseNotFoundException.class, () -> store.openRelease(missing, NOW))
                        .releaseId());
        assertThrows(ReleaseNotFoundException.class, () -> store.applyRequested(missing, 10, NOW));
        assertThrows(ReleaseNotFoundException.class, () -> store.partition(missing, 4));
        assertThrows(
                ReleaseNotFoundException.class,
                () -> store.applyBatch(missing, ApplyMode.AUTOMATIC, null, null, 10, null, NOW));
        assertThrows(ReleaseNotFoundException.class, () -> store.completeRelease(missing, NOW));
    }

    // --- helpers ---

    private List<UUID> instancesOf(Pack pack) throws SQLException {
        return rows.ids(
                "SELECT id FROM integration_pack_instances WHERE integration_pack_id = ? ORDER BY id", pack.id());
    }

    private UUID instanceOf(Pack pack, UUID account) throws SQLException {
        return rows.ids(
                        "SELECT id FROM integration_pack_instances WHERE integration_pack_id = ? AND account_id = ?",
                        pack.id(),
                        account)
                .get(0);
    }

    private List<UUID> appliedInstances(UUID release) throws SQLException {
        return rows.ids(
                "SELECT integration_pack_instance_id FROM release_instances WHERE release_id = ? AND status = 'APPLIED'"
                        + " ORDER BY integration_pack_instance_id",
                release);
    }

    private List<UUID> sorted(UUID... ids) throws SQLException {
        return rows.ids("SELECT unnest(?::uuid[]) AS id ORDER BY id", (Object) db.createArrayOf("uuid", ids));
    }

    private UUID maxOf(UUID first, UUID second) throws SQLException {
        List<UUID> both = sorted(first, second);
        return both.get(1);
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

    /** Runs the tasks at the same moment on their own threads and rethrows the first failure. */
    private static void runTogether(List<Callable<Object>> tasks) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(tasks.size());
        CyclicBarrier start = new CyclicBarrier(tasks.size());
        try {
            List<Future<Object>> running = new ArrayList<>();
            for (Callable<Object> task : tasks) {
                running.add(executor.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            Set<Throwable> failures = new HashSet<>();
            for (Future<Object> future : running) {
                try {
                    future.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            if (!failures.isEmpty()) {
                AssertionError error = new AssertionError("a concurrent task failed");
                failures.forEach(error::addSuppressed);
                throw error;
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
