package io.packwright.api.support;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packwright.activities.store.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds catalogs and packs through the API, and what has no API yet (releases, instances,
 * environments, attachments, account groups) with SQL rows shaped as the schema demands.
 */
public final class CatalogFixtures {

    private final ApiClient api;
    private final TestDatabase database;

    public CatalogFixtures(ApiClient api, TestDatabase database) {
        this.api = api;
        this.database = database;
    }

    // --- through the API ---

    /** A component of {@code partner}. */
    public UUID component(UUID partner, String name, String type) {
        return component(partner, name, type, false);
    }

    /** A component of {@code partner}, possibly containing process routes. */
    public UUID component(UUID partner, String name, String type, boolean containsProcessRoute) {
        ApiResponse response = api.post(
                "/api/v1/components",
                Tokens.account(partner),
                obj("name", name, "type", type, "containsProcessRoute", containsProcessRoute));
        assertEquals(201, response.status(), response::toString);
        return UUID.fromString(response.string("id"));
    }

    /** A package of {@code component}, with extensions built by {@link #extension}. */
    @SafeVarargs
    public final UUID pkg(
            UUID partner, UUID component, String version, boolean shareable, Map<String, Object>... extensions) {
        ApiResponse response = api.post(
                "/api/v1/components/" + component + "/packages",
                Tokens.account(partner),
                obj("packageVersion", version, "shareable", shareable, "extensions", List.of(extensions)));
        assertEquals(201, response.status(), response::toString);
        return UUID.fromString(response.string("id"));
    }

    /** An extension definition for {@link #pkg}. */
    public static Map<String, Object> extension(String key, String kind, boolean required, boolean secret) {
        return obj("key", key, "kind", kind, "required", required, "secret", secret);
    }

    /**
     * {@code count} extension definitions with the same settings for {@link #pkg}, keyed {@code
     * prefix01}, {@code prefix02}, … so that key order is number order.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object>[] extensions(
            String prefix, int count, String kind, boolean required, boolean secret) {
        Map<String, Object>[] extensions = new Map[count];
        for (int i = 0; i < count; i++) {
            extensions[i] = extension(prefix + String.format("%02d", i + 1), kind, required, secret);
        }
        return extensions;
    }

    /** A PROCESS component of {@code partner} with one shareable package {@code 1.0}. */
    public UUID shareableProcess(UUID partner, String name) {
        UUID component = component(partner, name, "PROCESS");
        pkg(partner, component, "1.0", true);
        return component;
    }

    /** An integration pack of {@code partner}. */
    public UUID pack(UUID partner, String name, String installationType) {
        ApiResponse response = api.post(
                "/api/v1/integration-packs",
                Tokens.account(partner),
                obj("name", name, "description", "", "installationType", installationType));
        assertEquals(201, response.status(), response::toString);
        return UUID.fromString(response.string("id"));
    }

    /** Adds {@code component} to {@code pack}, expecting 204. */
    public void add(UUID partner, UUID pack, UUID component) {
        ApiResponse response = addRequest(partner, pack, component);
        assertEquals(204, response.status(), response::toString);
    }

    /** {@code PUT /integration-packs/{pack}/components/{component}} without a body. */
    public ApiResponse addRequest(UUID partner, UUID pack, UUID component) {
        return api.raw(
                "PUT",
                "/api/v1/integration-packs/" + pack + "/components/" + component,
                Tokens.account(partner),
                null,
                "");
    }

    // --- with SQL: what the release and instance issues will create ---

    /**
     * An immediate release of the pack's members with their newest shareable packages, as the
     * release issue will create it; it becomes the pack's current release.
     */
    public UUID releaseNow(UUID pack) {
        UUID release = release(pack, "RELEASED", null);
        exec("UPDATE integration_packs SET current_release_id = ? WHERE id = ?", release, pack);
        return release;
    }

    /**
     * An immediate release that is being applied right now ({@code IN_PROGRESS}, no window): the
     * pack's current release, applied to no instance yet.
     */
    public UUID releaseInProgress(UUID pack) {
        UUID release = release(pack, "IN_PROGRESS", null);
        exec("UPDATE releases SET completed_at = NULL WHERE id = ?", release);
        exec("UPDATE integration_packs SET current_release_id = ? WHERE id = ?", release, pack);
        return release;
    }

    /** A pending release of the pack's members, scheduled for {@code date} (Europe/Berlin midnight). */
    public UUID scheduleRelease(UUID pack, LocalDate date) {
        return release(pack, "SCHEDULED", date);
    }

    private UUID release(UUID pack, String status, LocalDate date) {
        UUID release = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant windowStart = date == null
                ? null
                : date.atStartOfDay(java.time.ZoneId.of("Europe/Berlin")).toInstant();
        exec("""
                UPDATE integration_packs SET last_release_number = last_release_number + 1 WHERE id = ?""", pack);
        exec(
                """
                INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number, release_schedule,
                                      release_on_date, window_start, window_end, status, workflow_id, created_at,
                                      started_at, completed_at)
                SELECT ?::uuid, p.id, p.partner_account_id, p.last_release_number, ?, ?::date, ?::timestamptz,
                       ?::timestamptz, ?, 'release-' || ?, ?::timestamptz, ?::timestamptz, ?::timestamptz
                FROM integration_packs p WHERE p.id = ?""",
                release,
                date == null ? "IMMEDIATELY" : "RELEASE_ON_SPECIFIED_DATE",
                date,
                windowStart,
                windowStart == null ? null : windowStart.plusSeconds(3600),
                status,
                release,
                now,
                date == null ? now : null,
                date == null ? now : null,
                pack);
        exec("""
                INSERT INTO release_components (release_id, component_id, component_name, component_type,
                                                packaged_component_id, package_version)
                SELECT ?::uuid, c.id, c.name, c.type, latest.id, latest.package_version
                FROM integration_pack_members m
                JOIN components c ON c.id = m.component_id
                CROSS JOIN LATERAL (SELECT pc.id, pc.package_version FROM packaged_components pc
                                     WHERE pc.component_id = c.id AND pc.shareable
                                     ORDER BY pc.id DESC LIMIT 1) latest
                WHERE m.integration_pack_id = ?""", release, pack);
        return release;
    }

    /** An environment of {@code account}. */
    public UUID environment(UUID account, String name) {
        UUID id = UUID.randomUUID();
        exec(
                "INSERT INTO environments (id, account_id, name, classification, created_at) VALUES (?, ?, ?, 'PROD', now())",
                id,
                account,
                name);
        return id;
    }

    /**
     * An instance of {@code pack} in {@code account} on {@code release}, with an extension value, an
     * attachment to {@code environment}, a ledger row and a pending apply request.
     */
    public UUID instance(UUID account, UUID pack, UUID release, UUID environment, String overrideName) {
        UUID id = UUID.randomUUID();
        exec("""
                INSERT INTO integration_pack_instances (id, account_id, integration_pack_id, override_name,
                                                        installed_release_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, now(), now())""", id, account, pack, overrideName, release);
        exec(
                "INSERT INTO instance_extension_values (integration_pack_instance_id, key, value) VALUES (?, 'k', 'v')",
                id);
        exec(
                "INSERT INTO environment_attachments (id, environment_id, integration_pack_instance_id, created_at)"
                        + " VALUES (?, ?, ?, now())",
                UUID.randomUUID(),
                environment,
                id);
        exec("""
                INSERT INTO release_instances (release_id, integration_pack_instance_id, account_id, status, mode,
                                               applied_at, recorded_at)
                VALUES (?, ?, ?, 'APPLIED', 'IMMEDIATE', now(), now())""", release, id, account);
        exec(
                "INSERT INTO release_apply_requests (release_id, integration_pack_instance_id, requested_at)"
                        + " VALUES (?, ?, now())",
                release,
                id);
        return id;
    }

    /** Many bare instances of a MULTI {@code pack} in {@code account}, in one statement, without install events. */
    public void instances(UUID account, UUID pack, UUID release, int count) {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("ALTER TABLE integration_pack_instances DISABLE TRIGGER " + INSTALLED_EVENTS);
            }
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO integration_pack_instances (id, account_id, integration_pack_id, override_name,
                                                            installed_release_id, created_at, updated_at)
                    SELECT gen_random_uuid(), ?::uuid, ?::uuid, 'bulk-' || n, ?::uuid, now(), now()
                    FROM generate_series(1, ?) n""")) {
                insert.setObject(1, account);
                insert.setObject(2, pack);
                insert.setObject(3, release);
                insert.setInt(4, count);
                insert.executeUpdate();
            }
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("ALTER TABLE integration_pack_instances ENABLE TRIGGER " + INSTALLED_EVENTS);
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The trigger that writes an {@code instance.installed} event per inserted instance (V12). Seeded
     * instances are not installs: {@link #instances} switches it off inside its own transaction (no
     * other session ever sees it off), so that a seed of thousands writes no outbox event.
     */
    public static final String INSTALLED_EVENTS = "integration_pack_instances_webhook_events_insert";

    /** An account group of {@code partner} with {@code member} as member and {@code pack} as resource. */
    public UUID group(UUID partner, String name, UUID member, UUID pack) {
        UUID id = UUID.randomUUID();
        exec(
                "INSERT INTO account_groups (id, partner_account_id, name, created_at) VALUES (?, ?, ?, now())",
                id,
                partner,
                name);
        exec(
                "INSERT INTO account_group_members (account_group_id, account_id, added_at) VALUES (?, ?, now())",
                id,
                member);
        exec(
                "INSERT INTO account_group_packs (account_group_id, integration_pack_id, added_at) VALUES (?, ?, now())",
                id,
                pack);
        return id;
    }

    /** Runs one SQL statement with positional parameters. */
    public void exec(String sql, Object... parameters) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                Object parameter = parameters[i];
                if (parameter instanceof Instant instant) {
                    parameter = java.sql.Timestamp.from(instant);
                }
                statement.setObject(i + 1, parameter);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The string values of one column of a query, for assertions. */
    public List<String> column(String sql) {
        List<String> values = new ArrayList<>();
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql);
                var rows = statement.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
        return values;
    }
}
