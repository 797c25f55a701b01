package io.packwright.activities.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The database itself holds the rules of the domain: each test breaks one and expects PostgreSQL to
 * refuse it with the right kind of error, on the real server and the real migrations.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaConstraintsTest {

    private static final String UNIQUE = "23505";
    private static final String FOREIGN_KEY = "23503";
    private static final String CHECK = "23514";
    private static final String NOT_NULL = "23502";

    private final TestDatabase database = TestDatabases.create().migrate();
    private Connection db;

    @BeforeAll
    void connect() throws SQLException {
        db = database.connect();
    }

    @AfterAll
    void disconnect() throws SQLException {
        db.close();
    }

    // --- accounts ---

    @Test
    void partnersHaveNoParentAndAZone() throws SQLException {
        UUID partner = partner();
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO accounts VALUES (?, 'p', 'PARTNER', ?, 'UTC', false, false, now(), now())",
                        UUID.randomUUID(),
                        partner));
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO accounts VALUES (?, 'p', 'PARTNER', NULL, NULL, false, false, now(), now())",
                        UUID.randomUUID()));
    }

    @Test
    void managedAccountsHaveAParentAndNoFeatures() throws SQLException {
        UUID partner = partner();
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO accounts VALUES (?, 'm', 'MANAGED', NULL, NULL, false, false, now(), now())",
                        UUID.randomUUID()));
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO accounts VALUES (?, 'm', 'MANAGED', ?, NULL, true, false, now(), now())",
                        UUID.randomUUID(),
                        partner));
        assertViolates(
                FOREIGN_KEY,
                () -> exec(
                        "INSERT INTO accounts VALUES (?, 'm', 'MANAGED', ?, NULL, false, false, now(), now())",
                        UUID.randomUUID(),
                        UUID.randomUUID()));
    }

    @Test
    void multiInstallNeedsPackManagement() {
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO accounts VALUES (?, 'p', 'PARTNER', NULL, 'UTC', false, true, now(), now())",
                        UUID.randomUUID()));
    }

    @Test
    void accountNamesAreOneTo255Characters() {
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO accounts VALUES (?, '', 'PARTNER', NULL, 'UTC', false, false, now(), now())",
                        UUID.randomUUID()));
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO accounts VALUES (?, repeat('x', 256), 'PARTNER', NULL, 'UTC', false, false, now(), now())",
                        UUID.randomUUID()));
    }

    // --- catalog ---

    @Test
    void packageVersionsAreUniquePerComponentAndEnumsAreChecked() throws SQLException {
        UUID component = component(partner(), "PROCESS");
        packageOf(component, "1.0", true);
        assertViolates(UNIQUE, () -> packageOf(component, "1.0", false));
        packageOf(component(partner(), "PROCESS"), "1.0", true);
        assertViolates(CHECK, () -> component(partner(), "SPREADSHEET"));
    }

    @Test
    void extensionKindsAreChecked() throws SQLException {
        UUID pkg = packageOf(component(partner(), "PROCESS"), "1.0", true);
        assertViolates(
                CHECK,
                () -> exec("INSERT INTO package_extensions VALUES (?, 'k', 'ENV_VARIABLE', true, false, NULL)", pkg));
        exec("INSERT INTO package_extensions VALUES (?, 'k', 'PROCESS_PROPERTY', true, false, NULL)", pkg);
        assertViolates(
                UNIQUE,
                () -> exec(
                        "INSERT INTO package_extensions VALUES (?, 'k', 'CONNECTION_FIELD', false, false, NULL)", pkg));
    }

    @Test
    void packNamesAreUniquePerPartnerAmongLivePacks() throws SQLException {
        UUID partner = partner();
        UUID first = pack(partner, "Payroll", "SINGLE");
        assertViolates(UNIQUE, () -> pack(partner, "Payroll", "MULTI"));
        pack(partner(), "Payroll", "SINGLE");
        exec("UPDATE integration_packs SET deleted_at = now() WHERE id = ?", first);
        pack(partner, "Payroll", "SINGLE");
    }

    @Test
    void packDescriptionsHoldAtMost500CharactersAndTypesAreChecked() {
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO integration_packs (id, partner_account_id, name, description, installation_type,"
                                + " created_at, updated_at) VALUES (?, ?, 'p', repeat('x', 501), 'SINGLE', now(), now())",
                        UUID.randomUUID(),
                        partner()));
        assertViolates(CHECK, () -> pack(partner(), "Odd", "DOUBLE"));
    }

    // --- releases ---

    @Test
    void onlyOneScheduledReleasePerPack() throws SQLException {
        UUID pack = pack(partner(), "Scheduled", "SINGLE");
        scheduledRelease(pack, 1);
        assertViolates(UNIQUE, () -> scheduledRelease(pack, 2));
        exec("UPDATE releases SET status = 'SUPERSEDED' WHERE integration_pack_id = ?", pack);
        scheduledRelease(pack, 2);
    }

    @Test
    void releaseNumbersAreUniquePerPack() throws SQLException {
        UUID pack = pack(partner(), "Numbered", "SINGLE");
        immediateRelease(pack, 1);
        assertViolates(UNIQUE, () -> immediateRelease(pack, 1));
        immediateRelease(pack(partner(), "Other", "SINGLE"), 1);
    }

    @Test
    void releaseScheduleShapeIsChecked() {
        UUID pack = pack(partner(), "Shapes", "SINGLE");
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number,"
                                + " release_schedule, status, workflow_id, created_at)"
                                + " SELECT ?, id, partner_account_id, 1, 'RELEASE_ON_SPECIFIED_DATE', 'SCHEDULED', ?, now()"
                                + " FROM integration_packs WHERE id = ?",
                        UUID.randomUUID(),
                        "wf-" + UUID.randomUUID(),
                        pack));
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number,"
                                + " release_schedule, release_on_date, window_start, window_end, status, workflow_id,"
                                + " created_at) SELECT ?, id, partner_account_id, 1, 'IMMEDIATELY', DATE '2030-01-01',"
                                + " now(), now() + interval '1 hour', 'IN_PROGRESS', ?, now()"
                                + " FROM integration_packs WHERE id = ?",
                        UUID.randomUUID(),
                        "wf-" + UUID.randomUUID(),
                        pack));
    }

    @Test
    void workflowIdsAreUnique() throws SQLException {
        UUID pack = pack(partner(), "Workflows", "SINGLE");
        UUID release = immediateRelease(pack, 1);
        assertViolates(
                UNIQUE,
                () -> exec(
                        "INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number,"
                                + " release_schedule, status, workflow_id, created_at)"
                                + " SELECT ?, integration_pack_id, partner_account_id, 2, 'IMMEDIATELY', 'IN_PROGRESS',"
                                + " workflow_id, now() FROM releases WHERE id = ?",
                        UUID.randomUUID(),
                        release));
    }

    // --- instances, attachments, ledger ---

    @Test
    void oneSingleInstancePerAccountAndPack() throws SQLException {
        UUID partner = partner();
        UUID managed = managed(partner);
        UUID pack = pack(partner, "Single", "SINGLE");
        UUID release = immediateRelease(pack, 1);
        instance(managed, pack, release, null);
        assertViolates(UNIQUE, () -> instance(managed, pack, release, null));
        instance(managed(partner), pack, release, null);
    }

    @Test
    void multiInstanceOverrideNamesAreUniquePerAccountAndPack() throws SQLException {
        UUID partner = partner();
        UUID managed = managed(partner);
        UUID pack = pack(partner, "Multi", "MULTI");
        UUID release = immediateRelease(pack, 1);
        instance(managed, pack, release, "EU");
        instance(managed, pack, release, "US");
        assertViolates(UNIQUE, () -> instance(managed, pack, release, "EU"));
    }

    @Test
    void instancesNeedAnExistingRelease() {
        UUID partner = partner();
        UUID pack = pack(partner, "Unreleased", "SINGLE");
        assertViolates(FOREIGN_KEY, () -> instance(managed(partner), pack, UUID.randomUUID(), null));
    }

    @Test
    void attachmentsAreUniqueAndDisappearWithTheirInstance() throws SQLException {
        UUID partner = partner();
        UUID managed = managed(partner);
        UUID pack = pack(partner, "Attached", "SINGLE");
        UUID instance = instance(managed, pack, immediateRelease(pack, 1), null);
        UUID environment = UUID.randomUUID();
        exec("INSERT INTO environments VALUES (?, ?, 'prod', 'PROD', now())", environment, managed);
        exec("INSERT INTO environment_attachments VALUES (?, ?, ?, now())", UUID.randomUUID(), environment, instance);
        assertViolates(
                UNIQUE,
                () -> exec(
                        "INSERT INTO environment_attachments VALUES (?, ?, ?, now())",
                        UUID.randomUUID(),
                        environment,
                        instance));
        exec("DELETE FROM integration_pack_instances WHERE id = ?", instance);
        assertEquals(0, count("SELECT count(*) FROM environment_attachments WHERE environment_id = ?", environment));
    }

    @Test
    void ledgerHoldsOneOutcomePerReleaseAndInstance() throws SQLException {
        UUID partner = partner();
        UUID managed = managed(partner);
        UUID pack = pack(partner, "Ledger", "SINGLE");
        UUID release = immediateRelease(pack, 1);
        UUID instance = instance(managed, pack, release, null);
        exec(
                "INSERT INTO release_instances VALUES (?, ?, ?, 'APPLIED', 'IMMEDIATE', now(), NULL, now())",
                release,
                instance,
                managed);
        assertViolates(
                UNIQUE,
                () -> exec(
                        "INSERT INTO release_instances VALUES (?, ?, ?, 'APPLIED', 'MANUAL', now(), NULL, now())",
                        release,
                        instance,
                        managed));
    }

    @Test
    void ledgerOutcomesHaveTheirShape() {
        UUID partner = partner();
        UUID managed = managed(partner);
        UUID pack = pack(partner, "Shape", "SINGLE");
        UUID release = immediateRelease(pack, 1);
        UUID instance = instance(managed, pack, release, null);
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO release_instances VALUES (?, ?, ?, 'APPLIED', NULL, now(), NULL, now())",
                        release,
                        instance,
                        managed));
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO release_instances VALUES (?, ?, ?, 'FAILED', NULL, NULL, NULL, now())",
                        release,
                        instance,
                        managed));
        assertViolates(
                CHECK,
                () -> exec(
                        "INSERT INTO release_instances VALUES (?, ?, ?, 'PENDING', NULL, NULL, NULL, now())",
                        release,
                        instance,
                        managed));
    }

    @Test
    void extensionValuesAreEitherPlainOrEncrypted() {
        UUID partner = partner();
        UUID pack = pack(partner, "Extensions", "SINGLE");
        UUID instance = instance(managed(partner), pack, immediateRelease(pack, 1), null);
        assertViolates(
                CHECK,
                () -> exec("INSERT INTO instance_extension_values VALUES (?, 'k', 'plain', '\\x00'::bytea)", instance));
        assertViolates(
                CHECK, () -> exec("INSERT INTO instance_extension_values VALUES (?, 'k', NULL, NULL)", instance));
    }

    @Test
    void deletingAPackRemovesItsInstancesReleasesAndMemberships() throws SQLException {
        UUID partner = partner();
        UUID managed = managed(partner);
        UUID pack = pack(partner, "Doomed", "SINGLE");
        UUID release = immediateRelease(pack, 1);
        exec("UPDATE integration_packs SET current_release_id = ? WHERE id = ?", release, pack);
        UUID instance = instance(managed, pack, release, null);
        exec(
                "INSERT INTO release_instances VALUES (?, ?, ?, 'APPLIED', 'IMMEDIATE', now(), NULL, now())",
                release,
                instance,
                managed);
        UUID group = UUID.randomUUID();
        exec("INSERT INTO account_groups VALUES (?, ?, 'group', now())", group, partner);
        exec("INSERT INTO account_group_packs VALUES (?, ?, now())", group, pack);

        exec("DELETE FROM integration_packs WHERE id = ?", pack);

        assertEquals(0, count("SELECT count(*) FROM integration_pack_instances WHERE integration_pack_id = ?", pack));
        assertEquals(0, count("SELECT count(*) FROM releases WHERE integration_pack_id = ?", pack));
        assertEquals(0, count("SELECT count(*) FROM release_instances WHERE release_id = ?", release));
        assertEquals(0, count("SELECT count(*) FROM account_group_packs WHERE integration_pack_id = ?", pack));
        assertEquals(1, count("SELECT count(*) FROM account_groups WHERE id = ?", group));
    }

    @Test
    void idempotencyKeysAreUniquePerPrincipal() throws SQLException {
        exec("INSERT INTO idempotency_keys VALUES ('a', 'k', 'f', 201, NULL, '{}', now())");
        exec("INSERT INTO idempotency_keys VALUES ('b', 'k', 'f', 201, NULL, '{}', now())");
        assertViolates(
                UNIQUE, () -> exec("INSERT INTO idempotency_keys VALUES ('a', 'k', 'g', 201, NULL, '{}', now())"));
    }

    @Test
    void requiredColumnsAreNotNull() {
        assertViolates(
                NOT_NULL,
                () -> exec(
                        "INSERT INTO accounts VALUES (?, NULL, 'PARTNER', NULL, 'UTC', false, false, now(), now())",
                        UUID.randomUUID()));
    }

    // --- fixtures ---

    private UUID partner() {
        UUID id = UUID.randomUUID();
        exec("INSERT INTO accounts VALUES (?, 'partner', 'PARTNER', NULL, 'UTC', true, true, now(), now())", id);
        return id;
    }

    private UUID managed(UUID partner) {
        UUID id = UUID.randomUUID();
        exec("INSERT INTO accounts VALUES (?, 'managed', 'MANAGED', ?, NULL, false, false, now(), now())", id, partner);
        return id;
    }

    private UUID component(UUID partner, String type) {
        UUID id = UUID.randomUUID();
        exec("INSERT INTO components VALUES (?, ?, 'component', ?, false, now())", id, partner, type);
        return id;
    }

    private UUID packageOf(UUID component, String version, boolean shareable) {
        UUID id = UUID.randomUUID();
        exec("INSERT INTO packaged_components VALUES (?, ?, ?, ?, NULL, now())", id, component, version, shareable);
        return id;
    }

    private UUID pack(UUID partner, String name, String type) {
        UUID id = UUID.randomUUID();
        exec(
                "INSERT INTO integration_packs (id, partner_account_id, name, installation_type, created_at,"
                        + " updated_at) VALUES (?, ?, ?, ?, now(), now())",
                id,
                partner,
                name,
                type);
        return id;
    }

    private UUID immediateRelease(UUID pack, int number) {
        UUID id = UUID.randomUUID();
        exec(
                "INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number,"
                        + " release_schedule, status, workflow_id, created_at)"
                        + " SELECT ?, id, partner_account_id, ?, 'IMMEDIATELY', 'IN_PROGRESS', ?, now()"
                        + " FROM integration_packs WHERE id = ?",
                id,
                number,
                "release-" + id,
                pack);
        return id;
    }

    private UUID scheduledRelease(UUID pack, int number) {
        UUID id = UUID.randomUUID();
        exec(
                "INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number,"
                        + " release_schedule, release_on_date, window_start, window_end, status, workflow_id,"
                        + " created_at) SELECT ?, id, partner_account_id, ?, 'RELEASE_ON_SPECIFIED_DATE',"
                        + " DATE '2030-01-01', TIMESTAMPTZ '2030-01-01 00:00Z', TIMESTAMPTZ '2030-01-01 01:00Z',"
                        + " 'SCHEDULED', ?, now() FROM integration_packs WHERE id = ?",
                id,
                number,
                "release-" + id,
                pack);
        return id;
    }

    private UUID instance(UUID account, UUID pack, UUID release, String overrideName) {
        UUID id = UUID.randomUUID();
        exec(
                "INSERT INTO integration_pack_instances VALUES (?, ?, ?, ?, ?, now(), now())",
                id,
                account,
                pack,
                overrideName,
                release);
        return id;
    }

    private void exec(String sql, Object... parameters) {
        try (PreparedStatement statement = prepare(sql, parameters)) {
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    private long count(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(sql, parameters);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private PreparedStatement prepare(String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = db.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    private static void assertViolates(String sqlState, Runnable statement) {
        SqlFailure failure = assertThrows(SqlFailure.class, statement::run);
        assertEquals(sqlState, failure.sqlState(), failure::getMessage);
    }

    /** A refused statement, unchecked so fixtures compose in lambdas. */
    private static final class SqlFailure extends RuntimeException {
        SqlFailure(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        String sqlState() {
            return ((SQLException) getCause()).getSQLState();
        }
    }
}
