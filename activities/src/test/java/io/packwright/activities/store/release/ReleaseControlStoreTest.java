package io.packwright.activities.store.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.transaction.TransactionOperations;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.store.release.ReleaseRows.Pack;
import io.packwright.workflows.release.ApplyMode;
import io.packwright.workflows.release.ReleaseActivities.RevertResult;
import io.packwright.workflows.release.ReleaseActivities.WavePlan;
import io.packwright.workflows.release.ReleaseActivities.WaveState;
import io.packwright.workflows.release.ReleaseStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The release-control statements on the real PostgreSQL: a staged rollout's waves (which instances
 * each wave's lanes take, the gate judging a wave once, the soak), the compensating revert (one
 * {@code REVERTED} row per applied instance, an instance that moved on left alone, reruns change
 * nothing), and the partner's conditional updates ({@link ReleaseControlStore}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseControlStoreTest {

    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05.123Z");
    private static final Instant LATER = NOW.plus(Duration.ofMinutes(5));

    private final TestDatabase database = TestDatabases.create().migrate();
    private ApplicationContext context;
    private ReleaseFanOutStore store;
    private ReleaseControlStore control;
    private TransactionOperations<Connection> transactions;
    private Connection db;
    private ReleaseRows rows;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void start() throws SQLException {
        context = ReleaseRows.context(database);
        store = context.getBean(ReleaseFanOutStore.class);
        control = context.getBean(ReleaseControlStore.class);
        transactions = context.getBean(TransactionOperations.class);
        db = database.connect();
        rows = new ReleaseRows(db);
    }

    @AfterAll
    void stop() throws SQLException {
        db.close();
        context.close();
    }

    private <T> T inTransaction(Supplier<T> work) {
        return transactions.executeWrite(status -> work.get());
    }

    /** Release 2 of the pack, IN_PROGRESS and current, whose previous current release is release 1. */
    private UUID inProgress(Pack pack) throws SQLException {
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        rows.exec("UPDATE releases SET previous_current_release_id = ? WHERE id = ?", pack.first(), release);
        rows.exec("UPDATE integration_packs SET current_release_id = ? WHERE id = ?", release, pack.id());
        return release;
    }

    private void waves(UUID release, int soakMinutes, int maxFailedPercent, String... targets) throws SQLException {
        rows.exec(
                "UPDATE releases SET rollout_soak_minutes = ?, rollout_max_failed_percent = ? WHERE id = ?",
                soakMinutes,
                maxFailedPercent,
                release);
        for (int wave = 0; wave < targets.length; wave++) {
            String target = targets[wave];
            rows.exec(
                    "INSERT INTO release_waves (release_id, wave, percent, account_group_id) VALUES (?, ?, ?, ?)",
                    release,
                    wave,
                    target.endsWith("%") ? Integer.valueOf(target.substring(0, target.length() - 1)) : null,
                    target.endsWith("%") ? null : UUID.fromString(target));
        }
    }

    private String status(UUID release) throws SQLException {
        return rows.lifecycle(release).status();
    }

    @Test
    void aWavesLanesTakeOnlyItsAccountsAndTheLastWaveTakesEveryoneLeft() throws SQLException {
        Pack pack = rows.pack();
        UUID pilot = rows.managed(pack.partner());
        UUID group = UUID.randomUUID();
        rows.exec(
                "INSERT INTO account_groups (id, partner_account_id, name, created_at) VALUES (?, ?, 'pilots', ?)",
                group,
                pack.partner(),
                NOW);
        rows.exec(
                "INSERT INTO account_group_members (account_group_id, account_id, added_at) VALUES (?, ?, ?)",
                group,
                pilot,
                NOW);
        UUID piloted = rows.instance(pack, pilot, pack.first());
        List<UUID> others = List.of(rows.instance(pack, pack.first()), rows.instance(pack, pack.first()));
        UUID release = inProgress(pack);
        waves(release, 10, 100, group.toString(), "100%");

        assertEquals(new WavePlan(2), store.planWaves(release));
        assertEquals(1, rows.count("SELECT instances FROM release_waves WHERE release_id = ? AND wave = 0", release));
        assertEquals(
                2,
                rows.count("SELECT instances FROM release_waves WHERE release_id = ? AND wave = 1", release),
                "each wave's own instances, without the earlier waves'");

        assertEquals(new WaveState(ReleaseStatus.IN_PROGRESS, null), store.startWave(release, 0, NOW));
        FanOutBatch first = store.applyBatch(release, ApplyMode.IMMEDIATE, null, null, 10, 0, NOW);
        assertEquals(1, first.applied());
        assertEquals(
                List.of(piloted),
                rows.ids("SELECT integration_pack_instance_id FROM release_instances WHERE release_id = ?", release));
        assertEquals(0, rows.count("SELECT wave FROM release_instances WHERE release_id = ?", release));

        WaveState soaking = store.finishWave(release, 0, NOW);
        assertEquals(new WaveState(ReleaseStatus.IN_PROGRESS, NOW.plus(Duration.ofMinutes(10))), soaking);
        assertEquals(soaking, store.finishWave(release, 0, LATER), "a repeated call keeps the soak's end");
        store.endSoak(release, 0, LATER);
        store.startWave(release, 1, LATER);
        FanOutBatch second = store.applyBatch(release, ApplyMode.IMMEDIATE, null, null, 10, 1, LATER);
        assertEquals(2, second.applied());
        assertEquals(
                2,
                rows.count(
                        "SELECT count(*) FROM release_instances WHERE release_id = ? AND wave = 1"
                                + " AND integration_pack_instance_id = ANY (?)",
                        release,
                        others.toArray(new UUID[0])));
        assertEquals(new WaveState(ReleaseStatus.IN_PROGRESS, null), store.finishWave(release, 1, LATER));
        assertEquals(
                2, rows.count("SELECT count(*) FROM release_waves WHERE release_id = ? AND state = 'DONE'", release));
    }

    @Test
    void theFailureGatePausesOnceForAWaveAndNotAgainAfterTheResume() throws SQLException {
        Pack pack = rows.pack();
        rows.instances(pack, pack.first(), 4);
        UUID release = inProgress(pack);
        rows.declares(pack, release, "apiKey:true:");
        waves(release, 5, 50, "50%", "100%");
        rows.exec("UPDATE release_waves SET percent = 100 WHERE release_id = ? AND wave = 0", release);
        store.startWave(release, 0, NOW);
        assertEquals(
                4,
                store.applyBatch(release, ApplyMode.IMMEDIATE, null, null, 10, 0, NOW)
                        .failed());

        WaveState gated = store.finishWave(release, 0, NOW);
        assertEquals(ReleaseStatus.PAUSED, gated.status());
        assertEquals("PAUSED", status(release));
        assertEquals(
                1,
                rows.count(
                        "SELECT count(*) FROM releases WHERE id = ?"
                                + " AND status_reason LIKE 'Failure gate: 4 of the 4 instances of wave 1 (100.0%)%'",
                        release));

        assertTrue(inTransaction(() -> control.resume(release)).changed());
        assertEquals(
                new WaveState(ReleaseStatus.IN_PROGRESS, gated.soakUntil()),
                store.finishWave(release, 0, LATER),
                "the gate judged wave 1 when its fan-out ended");
        assertEquals("IN_PROGRESS", status(release));
    }

    @Test
    void aRevertPutsEachAppliedInstanceBackOnceAndLeavesWhatMovedOn() throws SQLException {
        Pack pack = rows.pack();
        List<UUID> instances = rows.instances(pack, pack.first(), 5);
        UUID release = inProgress(pack);
        assertEquals(
                5,
                store.applyBatch(release, ApplyMode.IMMEDIATE, null, null, 10, null, NOW)
                        .applied());
        // one instance moved on to a newer release meanwhile; one row predates the previous release
        UUID third = rows.release(pack.id(), 3, "RELEASED");
        rows.exec(
                "UPDATE integration_pack_instances SET installed_release_id = ? WHERE id = ?", third, instances.get(4));
        rows.exec(
                "UPDATE release_instances SET previous_release_id = NULL WHERE release_id = ?"
                        + " AND integration_pack_instance_id = ?",
                release,
                instances.get(3));

        assertEquals(new RevertResult(null, true, 0), store.revertBatch(release, null, 2, LATER), "not aborted yet");
        assertTrue(inTransaction(() -> control.abort(release, "broken", NOW)).changed());
        assertEquals(pack.first(), rows.currentRelease(pack.id()), "the previous current release is back");

        RevertResult first = store.revertBatch(release, null, 2, LATER);
        assertEquals(new RevertResult(instances.get(1), false, 2), first);
        RevertResult second = store.revertBatch(release, first.after(), 2, LATER);
        assertEquals(new RevertResult(instances.get(3), false, 1), second);
        RevertResult last = store.revertBatch(release, second.after(), 2, LATER);
        assertEquals(new RevertResult(instances.get(4), true, 0), last);
        RevertResult rerun = store.revertBatch(release, null, 10, LATER);
        assertTrue(rerun.done() && rerun.reverted() == 0, "a rerun puts nothing back twice: " + rerun);

        assertEquals(
                instances.subList(0, 3),
                rows.ids(
                        "SELECT integration_pack_instance_id FROM release_instances WHERE release_id = ?"
                                + " AND status = 'REVERTED' AND reverted_at = ? ORDER BY 1",
                        release,
                        LATER));
        assertEquals(
                3,
                rows.count(
                        "SELECT count(*) FROM integration_pack_instances WHERE id = ANY (?) AND installed_release_id = ?",
                        instances.subList(0, 3).toArray(new UUID[0]),
                        pack.first()));
        assertEquals(
                2,
                rows.count(
                        "SELECT count(*) FROM release_instances WHERE release_id = ? AND status = 'APPLIED'", release),
                "the instance that moved on and the row without a previous release");
        assertEquals(2, rows.counters(release).automatic(), "put-back instances no longer count as applied");
    }

    @Test
    void everyControlUpdateChangesOnlyFromItsStatuses() throws SQLException {
        Pack pack = rows.pack();
        UUID scheduled = rows.release(pack.id(), 2, "SCHEDULED");
        UUID instance = rows.instance(pack, pack.first());
        rows.request(scheduled, instance, 1);

        assertFalse(inTransaction(() -> control.pause(scheduled, null)).changed());
        assertFalse(inTransaction(() -> control.abort(scheduled, null, NOW)).changed());
        ReleaseControlStore.Outcome moved = inTransaction(() -> control.reschedule(
                scheduled,
                java.time.LocalDate.parse("2030-01-09"),
                Instant.parse("2030-01-09T00:00:00Z"),
                Instant.parse("2030-01-09T01:00:00Z")));
        assertTrue(moved.changed());
        assertEquals(ReleaseStatus.SCHEDULED, moved.status());
        assertEquals(
                1,
                rows.count(
                        "SELECT count(*) FROM webhook_events WHERE type = 'release.rescheduled' AND data->>'releaseId' = ?",
                        scheduled.toString()));
        ReleaseControlStore.Outcome cancelled = inTransaction(() -> control.cancel(scheduled, "no", NOW));
        assertEquals(new ReleaseControlStore.Outcome(true, ReleaseStatus.CANCELLED, cancelled.workflowId()), cancelled);
        assertEquals(List.of(), rows.requests(scheduled), "its queued manual applies are dropped");
        assertFalse(inTransaction(() -> control.cancel(scheduled, "again", NOW)).changed());
        assertFalse(inTransaction(() -> control.resume(scheduled)).changed());

        UUID running = rows.release(pack.id(), 3, "IN_PROGRESS");
        assertFalse(inTransaction(() -> control.promote(running, NOW)).changed(), "no wave soaks");
        assertTrue(inTransaction(() -> control.pause(running, "hold")).changed());
        assertEquals("PAUSED", status(running));
        assertFalse(inTransaction(() -> control.pause(running, "hold")).changed());
        assertTrue(inTransaction(() -> control.resume(running)).changed());
        assertEquals(
                0,
                rows.count("SELECT count(*) FROM releases WHERE id = ? AND status_reason IS NOT NULL", running),
                "a resume clears the reason");
        rows.exec(
                "INSERT INTO release_waves (release_id, wave, percent, state, soak_until) VALUES (?, 0, 10, 'SOAKING', ?),"
                        + " (?, 1, 100, 'PENDING', NULL)",
                running,
                LATER,
                running);
        assertTrue(inTransaction(() -> control.abort(running, null, NOW)).changed());
        assertEquals("ABORTED", status(running));
        assertEquals(
                1,
                rows.count(
                        "SELECT count(*) FROM release_waves WHERE release_id = ? AND wave = 0 AND state = 'DONE'"
                                + " AND soak_until IS NULL",
                        running),
                "the soaking wave ends with the abort");
        assertEquals(
                1,
                rows.count(
                        "SELECT count(*) FROM release_waves WHERE release_id = ? AND wave = 1 AND state = 'PENDING'",
                        running));
    }
}
