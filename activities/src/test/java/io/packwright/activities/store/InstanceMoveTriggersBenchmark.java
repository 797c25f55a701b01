package io.packwright.activities.store;

import io.packwright.activities.store.release.ReleaseRows;
import io.packwright.activities.store.release.ReleaseRows.Pack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Benchmark of the triggers that follow instances between releases (V13) on a pooled connection:
 * one connection moves one instance to a new release (a manual apply), then batches of {@code
 * packwright.benchmark.batch-sizes} (default {@code 1000,10000}) instances, each with the fan-out's
 * statement in its own transaction; then each batch size again on a fresh connection of its own,
 * which has planned nothing before. Every instance is attached to one of 100 environments and has
 * a schedule of a process that both releases contain, so every trigger has rows to probe. It prints
 * one {@code key=value} line with the milliseconds of each statement and its commit, and asserts
 * nothing about them. {@code packwright.benchmark.flyway-target} (default {@code latest}) stops the
 * migrations at a version, {@code 12} to measure the functions as they were before V13.
 *
 * <p>Not a test that {@code ./mvnw verify} runs (its name does not end in {@code Test}); run it with
 * {@code -Dtest=InstanceMoveTriggersBenchmark}. The line also goes to {@code
 * target/benchmark/instance-move-triggers-benchmark.txt}.
 */
class InstanceMoveTriggersBenchmark {

    private static final List<Integer> BATCH_SIZES = Arrays.stream(
                    System.getProperty("packwright.benchmark.batch-sizes", "1000,10000")
                            .split(","))
            .map(String::trim)
            .map(Integer::valueOf)
            .toList();
    private static final String FLYWAY_TARGET = System.getProperty("packwright.benchmark.flyway-target", "latest");
    private static final int ENVIRONMENTS = 100;
    private static final Path REPORT = Path.of("target", "benchmark", "instance-move-triggers-benchmark.txt");

    /** The fan-out's move of a batch (ReleaseFanOutStore's APPLY, without the ledger it also writes). */
    private static final String MOVE =
            "UPDATE integration_pack_instances i SET installed_release_id = ?, updated_at = ? WHERE i.id = ANY (?)";

    @Test
    void movesAfterAOneRowUpdate() throws Exception {
        TestDatabase database = TestDatabases.create();
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration")
                .target(FLYWAY_TARGET)
                .load()
                .migrate();
        int batched = BATCH_SIZES.stream().mapToInt(Integer::intValue).sum();
        UUID target;
        List<UUID> instances;
        try (Connection db = database.connect()) {
            ReleaseRows rows = new ReleaseRows(db);
            Pack pack = rows.pack();
            target = rows.release(pack.id(), 2, "IN_PROGRESS");
            instances = seed(rows, db, pack, target, 1 + 2 * batched);
        }

        StringBuilder line = new StringBuilder("instance_move_triggers migrations=" + FLYWAY_TARGET);
        line.append(" instances=")
                .append(instances.size())
                .append(" environments=")
                .append(ENVIRONMENTS);
        int next = 0;
        try (Connection pooled = database.connect()) {
            line.append(" one_row_ms=").append(move(pooled, target, instances.subList(next, next + 1)));
            next++;
            for (int size : BATCH_SIZES) {
                line.append(" after_one_row_")
                        .append(size)
                        .append("_ms=")
                        .append(move(pooled, target, instances.subList(next, next + size)));
                next += size;
            }
        }
        for (int size : BATCH_SIZES) {
            try (Connection fresh = database.connect()) {
                line.append(" fresh_")
                        .append(size)
                        .append("_ms=")
                        .append(move(fresh, target, instances.subList(next, next + size)));
                next += size;
            }
        }
        String report = String.format(
                "Instance move triggers benchmark, %s, %d processors%n%s%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), line);
        System.out.println(report);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(
                REPORT, report + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * {@code count} instances of the pack on its first release in id order, each attached to one of
     * the environments, round robin, with a schedule of a process of both releases there.
     */
    private static List<UUID> seed(ReleaseRows rows, Connection db, Pack pack, UUID target, int count)
            throws SQLException {
        UUID process = Ids.next();
        rows.exec(
                "INSERT INTO components VALUES (?, ?, 'process', 'PROCESS', false, ?)",
                process,
                pack.partner(),
                ReleaseRows.BEFORE);
        UUID packaged = Ids.next();
        rows.exec(
                "INSERT INTO packaged_components VALUES (?, ?, '1.0', true, NULL, ?)",
                packaged,
                process,
                ReleaseRows.BEFORE);
        for (UUID release : List.of(pack.first(), target)) {
            rows.exec(
                    "INSERT INTO release_components VALUES (?, ?, 'process', 'PROCESS', ?, '1.0')",
                    release,
                    process,
                    packaged);
        }
        rows.exec("""
                INSERT INTO environments (id, account_id, name, classification, created_at)
                SELECT gen_random_uuid(), ?, 'env ' || n, 'PROD', ? FROM generate_series(1, ?) n""", pack.account(), ReleaseRows.BEFORE, ENVIRONMENTS);
        rows.exec("""
                INSERT INTO integration_pack_instances
                SELECT gen_random_uuid(), ?, ?, 'instance ' || n, ?, ?, ? FROM generate_series(1, ?) n""", pack.account(), pack.id(), pack.first(), ReleaseRows.BEFORE, ReleaseRows.BEFORE, count);
        rows.exec("""
                INSERT INTO environment_attachments
                SELECT gen_random_uuid(), e.id, i.id, ?
                FROM (SELECT id, row_number() OVER (ORDER BY id) % ? AS slot FROM integration_pack_instances
                      WHERE integration_pack_id = ?) i
                JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS slot FROM environments WHERE account_id = ?) e
                  ON e.slot = i.slot""", ReleaseRows.BEFORE, ENVIRONMENTS, pack.id(), pack.account());
        rows.exec("""
                INSERT INTO process_schedules (id, integration_pack_instance_id, component_id, environment_id,
                                               account_id, enabled, time_zone, rules, max_retries, retry_delay_minutes,
                                               overlap, created_at, updated_at)
                SELECT gen_random_uuid(), a.integration_pack_instance_id, ?, a.environment_id, ?, true, 'UTC',
                       '[]'::jsonb, 0, 5, 'SKIP', ?, ?
                FROM environment_attachments a JOIN integration_pack_instances i ON i.id = a.integration_pack_instance_id
                WHERE i.integration_pack_id = ?""", process, pack.account(), ReleaseRows.BEFORE, ReleaseRows.BEFORE, pack.id());
        try (Statement statement = db.createStatement()) {
            statement.execute("VACUUM ANALYZE");
        }
        return new ArrayList<>(rows.ids(
                "SELECT id FROM integration_pack_instances WHERE integration_pack_id = ? ORDER BY id", pack.id()));
    }

    /** Moves the instances to the release in one transaction; the milliseconds of the statement and its commit. */
    private static long move(Connection connection, UUID release, List<UUID> instances) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(MOVE)) {
            statement.setObject(1, release);
            statement.setTimestamp(2, Timestamp.from(Instant.now()));
            statement.setArray(3, connection.createArrayOf("uuid", instances.toArray()));
            long started = System.nanoTime();
            statement.executeUpdate();
            connection.commit();
            return (System.nanoTime() - started) / 1_000_000;
        }
    }
}
