package io.packwright.activities.store.release;

import io.micronaut.context.ApplicationContext;
import io.packwright.activities.store.Ids;
import io.packwright.activities.store.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The rows that release tests start from, written with SQL, and the rows they check, read with SQL:
 * partners, managed accounts, packs, releases, their content, instances, extension values and apply
 * requests; the ledger, the counters and the instances' releases.
 */
public final class ReleaseRows {

    /** The window start of every scheduled release these rows write: before the stores' tests' NOW. */
    public static final Instant WINDOW_START = Instant.parse("2030-01-02T00:00:00Z");

    /** When the fixtures were created: earlier than any time a test applies at. */
    public static final Instant BEFORE = Instant.parse("2029-12-01T00:00:00Z");

    private final Connection db;

    public ReleaseRows(Connection db) {
        this.db = db;
    }

    /** An application context on {@code database} with the stores and their transactions. */
    public static ApplicationContext context(TestDatabase database) {
        return context(database, Map.of());
    }

    /** {@link #context(TestDatabase)} with more configuration. */
    public static ApplicationContext context(TestDatabase database, Map<String, Object> more) {
        Map<String, Object> properties = new HashMap<>(database.micronautProperties());
        properties.putAll(more);
        properties.put("datasources.default.driver-class-name", "org.postgresql.Driver");
        properties.put("datasources.default.dialect", "POSTGRES");
        properties.put("datasources.default.schema-generate", "NONE");
        properties.put("datasources.default.maximum-pool-size", "8");
        return ApplicationContext.run(properties);
    }

    /**
     * A pack of a new partner with release 1 ({@code RELEASED}, current) and one managed account.
     *
     * @param id the pack
     * @param partner its partner
     * @param account a managed account of the partner
     * @param first release 1
     */
    public record Pack(UUID id, UUID partner, UUID account, UUID first) {}

    /** One row of the ledger. */
    public record Outcome(
            UUID instance,
            UUID account,
            String status,
            String mode,
            Instant appliedAt,
            String reason,
            Instant recordedAt) {}

    /** The progress counters of a release row. */
    public record Counters(long manual, long automatic, long failed) {}

    /** The life-cycle columns of a release row. */
    public record Lifecycle(String status, Instant startedAt, Instant completedAt) {}

    public Pack pack() throws SQLException {
        UUID partner = Ids.next();
        exec(
                "INSERT INTO accounts VALUES (?, 'partner', 'PARTNER', NULL, 'UTC', true, true, ?, ?)",
                partner,
                BEFORE,
                BEFORE);
        UUID account = managed(partner);
        UUID pack = Ids.next();
        exec(
                "INSERT INTO integration_packs (id, partner_account_id, name, installation_type, created_at, updated_at)"
                        + " VALUES (?, ?, ?, 'MULTI', ?, ?)",
                pack,
                partner,
                "pack " + pack,
                BEFORE,
                BEFORE);
        UUID first = release(pack, 1, "RELEASED");
        exec("UPDATE integration_packs SET current_release_id = ?, last_release_number = 1 WHERE id = ?", first, pack);
        return new Pack(pack, partner, account, first);
    }

    public UUID managed(UUID partner) throws SQLException {
        UUID account = Ids.next();
        exec(
                "INSERT INTO accounts VALUES (?, 'managed', 'MANAGED', ?, NULL, false, false, ?, ?)",
                account,
                partner,
                BEFORE,
                BEFORE);
        return account;
    }

    /**
     * Release {@code number} of the pack with {@code status}: a {@code SCHEDULED} one has a window,
     * any other is immediate.
     */
    public UUID release(UUID pack, int number, String status) throws SQLException {
        UUID release = Ids.next();
        boolean scheduled = status.equals("SCHEDULED");
        UUID partner = ids("SELECT partner_account_id FROM integration_packs WHERE id = ?", pack)
                .get(0);
        exec(
                "INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number, release_schedule,"
                        + " release_on_date, window_start, window_end, status, workflow_id, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                release,
                pack,
                partner,
                number,
                scheduled ? "RELEASE_ON_SPECIFIED_DATE" : "IMMEDIATELY",
                scheduled ? LocalDate.parse("2030-01-02") : null,
                scheduled ? WINDOW_START : null,
                scheduled ? WINDOW_START.plus(Duration.ofHours(1)) : null,
                status,
                "integration-pack-" + pack + "-release-" + number,
                BEFORE);
        exec(
                "UPDATE integration_packs SET last_release_number = greatest(last_release_number, ?) WHERE id = ?",
                number,
                pack);
        return release;
    }

    /**
     * Adds a component to the release's content whose package declares {@code extensions}, each as
     * {@code key:required:default} ({@code default} may be empty for none).
     */
    public void declares(Pack pack, UUID release, String... extensions) throws SQLException {
        UUID component = Ids.next();
        exec(
                "INSERT INTO components VALUES (?, ?, ?, 'PROCESS', false, ?)",
                component,
                pack.partner(),
                "component " + component,
                BEFORE);
        UUID packaged = Ids.next();
        exec("INSERT INTO packaged_components VALUES (?, ?, '1.0', true, NULL, ?)", packaged, component, BEFORE);
        for (String extension : extensions) {
            String[] parts = extension.split(":", -1);
            exec(
                    "INSERT INTO package_extensions VALUES (?, ?, 'PROCESS_PROPERTY', ?, false, ?)",
                    packaged,
                    parts[0],
                    Boolean.parseBoolean(parts[1]),
                    parts[2].isEmpty() ? null : parts[2]);
        }
        exec(
                "INSERT INTO release_components VALUES (?, ?, ?, 'PROCESS', ?, '1.0')",
                release,
                component,
                "component " + component,
                packaged);
    }

    /**
     * Adds a component to the release's content whose package declares the required secret extension
     * {@code key} with an encrypted default (bytes that stand for one: nothing here decrypts them).
     */
    public void declaresSecretWithDefault(Pack pack, UUID release, String key) throws SQLException {
        UUID component = Ids.next();
        exec(
                "INSERT INTO components VALUES (?, ?, ?, 'PROCESS', false, ?)",
                component,
                pack.partner(),
                "component " + component,
                BEFORE);
        UUID packaged = Ids.next();
        exec("INSERT INTO packaged_components VALUES (?, ?, '1.0', true, NULL, ?)", packaged, component, BEFORE);
        exec(
                "INSERT INTO package_extensions (packaged_component_id, key, kind, required, secret, default_value,"
                        + " encrypted_default_value) VALUES (?, ?, 'CONNECTION_FIELD', true, true, NULL, ?)",
                packaged,
                key,
                new byte[] {2, 0, 0, 0, 0});
        exec(
                "INSERT INTO release_components VALUES (?, ?, ?, 'PROCESS', ?, '1.0')",
                release,
                component,
                "component " + component,
                packaged);
    }

    /** An instance of the pack in its managed account, on {@code release}. */
    public UUID instance(Pack pack, UUID release) throws SQLException {
        return instance(pack, pack.account(), release);
    }

    public UUID instance(Pack pack, UUID account, UUID release) throws SQLException {
        UUID instance = Ids.next();
        exec(
                "INSERT INTO integration_pack_instances VALUES (?, ?, ?, ?, ?, ?, ?)",
                instance,
                account,
                pack.id(),
                "instance " + instance,
                release,
                BEFORE,
                BEFORE);
        return instance;
    }

    /** {@code count} instances of the pack on {@code release}, in id order. */
    public List<UUID> instances(Pack pack, UUID release, int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            instance(pack, release);
        }
        return ids("SELECT id FROM integration_pack_instances WHERE integration_pack_id = ? ORDER BY id", pack.id());
    }

    public void value(UUID instance, String key) throws SQLException {
        exec("INSERT INTO instance_extension_values VALUES (?, ?, 'v', NULL)", instance, key);
    }

    /** A queued manual apply, {@code requestedAt} seconds after {@link #BEFORE}. */
    public void request(UUID release, UUID instance, int requestedAt) throws SQLException {
        exec(
                "INSERT INTO release_apply_requests VALUES (?, ?, ?)",
                release,
                instance,
                BEFORE.plus(requestedAt, ChronoUnit.SECONDS));
    }

    public List<Outcome> ledger(UUID release) throws SQLException {
        try (PreparedStatement statement = prepare(
                "SELECT integration_pack_instance_id, account_id, status, mode, applied_at, failure_reason, recorded_at"
                        + " FROM release_instances WHERE release_id = ? ORDER BY integration_pack_instance_id",
                release)) {
            List<Outcome> outcomes = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    outcomes.add(new Outcome(
                            rows.getObject(1, UUID.class),
                            rows.getObject(2, UUID.class),
                            rows.getString(3),
                            rows.getString(4),
                            instant(rows, 5),
                            rows.getString(6),
                            instant(rows, 7)));
                }
            }
            return outcomes;
        }
    }

    public Counters counters(UUID release) throws SQLException {
        try (PreparedStatement statement = prepare(
                "SELECT applied_manually, applied_automatically, failed FROM release_counts WHERE release_id = ?",
                release)) {
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Counters(
                        rows.getLong("applied_manually"),
                        rows.getLong("applied_automatically"),
                        rows.getLong("failed"));
            }
        }
    }

    public Lifecycle lifecycle(UUID release) throws SQLException {
        try (PreparedStatement statement =
                prepare("SELECT status, started_at, completed_at FROM releases WHERE id = ?", release)) {
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Lifecycle(rows.getString(1), instant(rows, 2), instant(rows, 3));
            }
        }
    }

    /** The release each instance runs, by instance. */
    public Map<UUID, UUID> installed(UUID pack) throws SQLException {
        try (PreparedStatement statement = prepare(
                "SELECT id, installed_release_id FROM integration_pack_instances WHERE integration_pack_id = ?",
                pack)) {
            Map<UUID, UUID> installed = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    installed.put(rows.getObject(1, UUID.class), rows.getObject(2, UUID.class));
                }
            }
            return installed;
        }
    }

    public Instant updatedAt(UUID instance) throws SQLException {
        try (PreparedStatement statement =
                prepare("SELECT updated_at FROM integration_pack_instances WHERE id = ?", instance)) {
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return instant(rows, 1);
            }
        }
    }

    public UUID currentRelease(UUID pack) throws SQLException {
        return ids("SELECT current_release_id FROM integration_packs WHERE id = ?", pack)
                .get(0);
    }

    /** The instances with a queued apply request for the release, by id. */
    public List<UUID> requests(UUID release) throws SQLException {
        return ids(
                "SELECT integration_pack_instance_id FROM release_apply_requests WHERE release_id = ?"
                        + " ORDER BY integration_pack_instance_id",
                release);
    }

    public List<UUID> ids(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(sql, parameters)) {
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    public long count(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(sql, parameters)) {
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    public void exec(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(sql, parameters)) {
            statement.executeUpdate();
        }
    }

    private PreparedStatement prepare(String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = db.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            Object parameter = parameters[i];
            statement.setObject(i + 1, parameter instanceof Instant at ? Timestamp.from(at) : parameter);
        }
        return statement;
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        Timestamp at = rows.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }
}
