package io.packwright.activities.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packwright.activities.store.release.ReleaseRows;
import io.packwright.activities.store.release.ReleaseRows.Pack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The statement-level triggers that follow instances between releases (V13): the installed counters,
 * the revisions of the environments they are attached to and the schedules of processes their new
 * release lacks, on the real PostgreSQL and the real migrations. Each test runs its updates on a
 * fresh connection whose first update of instances changes one row, as a pooled connection of the
 * api or the worker does (a manual apply, a PUT of extensions), so that the triggers' statements are
 * planned for one-row transition tables before a multi-row update mixes instances that move, move
 * back, and stay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstanceMoveTriggersTest {

    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");

    private final TestDatabase database = TestDatabases.create().migrate();
    private Connection db;
    private ReleaseRows rows;

    @BeforeAll
    void connect() throws SQLException {
        db = database.connect();
        rows = new ReleaseRows(db);
    }

    @AfterAll
    void disconnect() throws SQLException {
        db.close();
    }

    @Test
    void installedCountersFollowInstancesBetweenReleases() throws SQLException {
        Pack pack = rows.pack();
        UUID first = pack.first();
        UUID second = rows.release(pack.id(), 2, "IN_PROGRESS");
        UUID third = rows.release(pack.id(), 3, "IN_PROGRESS");
        List<UUID> onFirst = List.of(
                rows.instance(pack, first), rows.instance(pack, first),
                rows.instance(pack, first), rows.instance(pack, first));
        List<UUID> onSecond =
                List.of(rows.instance(pack, second), rows.instance(pack, second), rows.instance(pack, second));
        UUID onThird = rows.instance(pack, third);
        Pack neighbour = rows.pack();
        rows.instance(neighbour, neighbour.first());

        try (Connection session = database.connect()) {
            move(session, Map.of(onFirst.get(0), second));
            assertInstalled(Map.of(first, 3L, second, 4L, third, 1L));

            Map<UUID, UUID> moves = new LinkedHashMap<>();
            moves.put(onFirst.get(0), second); // stays
            moves.put(onFirst.get(1), second);
            moves.put(onFirst.get(2), third);
            moves.put(onFirst.get(3), first); // stays
            moves.put(onSecond.get(0), first);
            moves.put(onSecond.get(1), third);
            moves.put(onSecond.get(2), second); // stays
            moves.put(onThird, first);
            move(session, moves);
            assertInstalled(Map.of(first, 3L, second, 3L, third, 2L));

            Map<UUID, UUID> back = new LinkedHashMap<>();
            back.put(onFirst.get(1), first);
            back.put(onSecond.get(0), second);
            back.put(onFirst.get(2), third); // stays
            move(session, back);
            assertInstalled(Map.of(first, 3L, second, 3L, third, 2L));

            touchAll(session, pack);
            assertInstalled(Map.of(first, 3L, second, 3L, third, 2L));
        }
        assertEquals(
                8,
                rows.count("SELECT sum(instances) FROM pack_instance_counts WHERE integration_pack_id = ?", pack.id()));
        assertEquals(1, rows.count("SELECT installed FROM release_counts WHERE release_id = ?", neighbour.first()));
    }

    @Test
    void theEnvironmentsOfMovedInstancesGetOneNewRevisionEach() throws SQLException {
        Pack pack = rows.pack();
        UUID second = rows.release(pack.id(), 2, "IN_PROGRESS");
        UUID a = rows.instance(pack, pack.first());
        UUID b = rows.instance(pack, pack.first());
        UUID c = rows.instance(pack, pack.first());
        UUID d = rows.instance(pack, pack.first());
        UUID one = environment(pack);
        UUID two = environment(pack);
        UUID three = environment(pack);
        UUID four = environment(pack);
        attach(one, a);
        attach(two, a);
        attach(two, b);
        attach(three, c);
        attach(four, d);
        Map<UUID, Long> before = revisions(one, two, three, four);

        try (Connection session = database.connect()) {
            new ReleaseRows(session).exec("UPDATE integration_pack_instances SET updated_at = ? WHERE id = ?", NOW, c);
            assertEquals(before, revisions(one, two, three, four), "a touched instance runs what it ran");

            Map<UUID, UUID> moves = new LinkedHashMap<>();
            moves.put(a, second);
            moves.put(b, second);
            moves.put(c, pack.first()); // stays
            moves.put(d, pack.first()); // stays
            move(session, moves);
            assertEquals(
                    Map.of(
                            one,
                            before.get(one) + 1,
                            two,
                            before.get(two) + 1,
                            three,
                            before.get(three),
                            four,
                            before.get(four)),
                    revisions(one, two, three, four));

            Map<UUID, UUID> next = new LinkedHashMap<>();
            next.put(a, pack.first());
            next.put(b, second); // stays
            next.put(c, second);
            move(session, next);
            assertEquals(
                    Map.of(
                            one,
                            before.get(one) + 2,
                            two,
                            before.get(two) + 2,
                            three,
                            before.get(three) + 1,
                            four,
                            before.get(four)),
                    revisions(one, two, three, four));
        }
    }

    @Test
    void schedulesOfProcessesThatTheNewReleaseLacksAreDisabledOnce() throws SQLException {
        Pack pack = rows.pack();
        UUID second = rows.release(pack.id(), 2, "IN_PROGRESS");
        UUID third = rows.release(pack.id(), 3, "IN_PROGRESS");
        UUID p = process(pack, pack.first(), second);
        UUID q = process(pack, pack.first());
        UUID environment = environment(pack);
        UUID a = rows.instance(pack, pack.first());
        UUID b = rows.instance(pack, pack.first());
        UUID c = rows.instance(pack, pack.first());
        UUID d = rows.instance(pack, second);
        UUID e = rows.instance(pack, pack.first());
        for (UUID instance : List.of(a, b, c, d, e)) {
            attach(environment, instance);
        }
        UUID aP = schedule(a, p, environment);
        UUID aQ = schedule(a, q, environment);
        UUID bP = schedule(b, p, environment);
        UUID cQ = schedule(c, q, environment);
        UUID dP = schedule(d, p, environment);
        UUID eQ = schedule(e, q, environment);
        rows.exec("UPDATE process_schedules SET enabled = false, disabled_reason = 'paused' WHERE id = ?", dP);
        Schedule enabled = new Schedule(true, null, 1);

        try (Connection session = database.connect()) {
            move(session, Map.of(e, second));
            assertEquals(new Schedule(false, lacks(2), 2), schedule(eQ));
            assertEquals(enabled, schedule(aQ));

            Map<UUID, UUID> moves = new LinkedHashMap<>();
            moves.put(a, second);
            moves.put(b, third);
            moves.put(c, pack.first()); // stays
            moves.put(d, third);
            moves.put(e, second); // stays
            move(session, moves);
            assertEquals(enabled, schedule(aP), "release 2 contains p");
            assertEquals(new Schedule(false, lacks(2), 2), schedule(aQ));
            assertEquals(new Schedule(false, lacks(3), 2), schedule(bP));
            assertEquals(enabled, schedule(cQ));
            assertEquals(new Schedule(false, "paused", 1), schedule(dP), "a disabled schedule is left as it is");
            assertEquals(new Schedule(false, lacks(2), 2), schedule(eQ));

            Map<UUID, UUID> back = new LinkedHashMap<>();
            back.put(a, pack.first());
            back.put(b, second);
            back.put(c, third);
            move(session, back);
            assertEquals(enabled, schedule(aP));
            assertEquals(new Schedule(false, lacks(2), 2), schedule(aQ), "the account enables it again, not a release");
            assertEquals(new Schedule(false, lacks(3), 2), schedule(bP));
            assertEquals(new Schedule(false, lacks(3), 2), schedule(cQ));
        }
    }

    private record Schedule(boolean enabled, String reason, long version) {}

    private static String lacks(int releaseNumber) {
        return "disabled: release " + releaseNumber + " of the pack does not contain this process";
    }

    /** Moves each instance to its release in one statement, the fan-out's, which sets every row it names. */
    private static void move(Connection session, Map<UUID, UUID> releaseByInstance) throws SQLException {
        new ReleaseRows(session)
                .exec(
                        """
                        UPDATE integration_pack_instances i SET installed_release_id = m.release_id, updated_at = ?
                        FROM unnest(?::uuid[], ?::uuid[]) AS m(id, release_id) WHERE i.id = m.id""",
                        NOW,
                        session.createArrayOf("uuid", releaseByInstance.keySet().toArray()),
                        session.createArrayOf("uuid", releaseByInstance.values().toArray()));
    }

    private static void touchAll(Connection session, Pack pack) throws SQLException {
        new ReleaseRows(session)
                .exec(
                        "UPDATE integration_pack_instances SET updated_at = ? WHERE integration_pack_id = ?",
                        NOW,
                        pack.id());
    }

    /** The counters of each release are what they count, and {@code expected}. */
    private void assertInstalled(Map<UUID, Long> expected) throws SQLException {
        for (Map.Entry<UUID, Long> release : expected.entrySet()) {
            long counted = rows.count("SELECT installed FROM release_counts WHERE release_id = ?", release.getKey());
            long running = rows.count(
                    "SELECT count(*) FROM integration_pack_instances WHERE installed_release_id = ?", release.getKey());
            assertEquals(running, counted, "the counter of release " + release.getKey());
            assertEquals(release.getValue(), counted, "instances on release " + release.getKey());
        }
    }

    private UUID environment(Pack pack) throws SQLException {
        UUID environment = Ids.next();
        rows.exec(
                "INSERT INTO environments (id, account_id, name, classification, created_at) VALUES (?, ?, ?, 'PROD', ?)",
                environment,
                pack.account(),
                "env " + environment,
                ReleaseRows.BEFORE);
        return environment;
    }

    private void attach(UUID environment, UUID instance) throws SQLException {
        rows.exec(
                "INSERT INTO environment_attachments VALUES (?, ?, ?, ?)",
                Ids.next(),
                environment,
                instance,
                ReleaseRows.BEFORE);
    }

    private Map<UUID, Long> revisions(UUID... environments) throws SQLException {
        Map<UUID, Long> revisions = new LinkedHashMap<>();
        for (UUID environment : environments) {
            revisions.put(environment, rows.count("SELECT revision FROM environments WHERE id = ?", environment));
        }
        return revisions;
    }

    /** A process of the pack's partner, part of each of the releases. */
    private UUID process(Pack pack, UUID... releases) throws SQLException {
        UUID component = Ids.next();
        rows.exec(
                "INSERT INTO components VALUES (?, ?, ?, 'PROCESS', false, ?)",
                component,
                pack.partner(),
                "process " + component,
                ReleaseRows.BEFORE);
        UUID packaged = Ids.next();
        rows.exec(
                "INSERT INTO packaged_components VALUES (?, ?, '1.0', true, NULL, ?)",
                packaged,
                component,
                ReleaseRows.BEFORE);
        for (UUID release : releases) {
            rows.exec(
                    "INSERT INTO release_components VALUES (?, ?, ?, 'PROCESS', ?, '1.0')",
                    release,
                    component,
                    "process " + component,
                    packaged);
        }
        return component;
    }

    /** An enabled schedule of the instance's process in the environment. */
    private UUID schedule(UUID instance, UUID component, UUID environment) throws SQLException {
        UUID schedule = Ids.next();
        rows.exec("""
                INSERT INTO process_schedules (id, integration_pack_instance_id, component_id, environment_id,
                                               account_id, enabled, time_zone, rules, max_retries, retry_delay_minutes,
                                               overlap, created_at, updated_at)
                SELECT ?, i.id, ?, ?, i.account_id, true, 'UTC', '[]'::jsonb, 0, 5, 'SKIP', ?, ?
                FROM integration_pack_instances i WHERE i.id = ?""", schedule, component, environment, ReleaseRows.BEFORE, ReleaseRows.BEFORE, instance);
        return schedule;
    }

    private Schedule schedule(UUID schedule) throws SQLException {
        try (PreparedStatement statement =
                db.prepareStatement("SELECT enabled, disabled_reason, version FROM process_schedules WHERE id = ?")) {
            statement.setObject(1, schedule);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return new Schedule(
                        result.getBoolean("enabled"), result.getString("disabled_reason"), result.getLong("version"));
            }
        }
    }
}
