package io.packwright.activities.store.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.packwright.activities.store.Ids;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The account group store and the pack visibility rule, on the real PostgreSQL with the real
 * migrations. Rows are written with SQL where a test needs a state that the repository cannot
 * produce (packs, releases, instances, and rows that the V3 triggers would refuse).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountGroupRepositoryTest {

    private static final String FOREIGN_KEY = "23503";
    private static final UUID FIRST_PAGE = new UUID(0, 0);

    private final TestDatabase database = TestDatabases.create().migrate();
    private ApplicationContext context;
    private AccountGroupRepository groups;
    private Connection db;

    @BeforeAll
    void start() throws SQLException {
        Map<String, Object> properties = new HashMap<>(database.micronautProperties());
        properties.put("datasources.default.driver-class-name", "org.postgresql.Driver");
        properties.put("datasources.default.dialect", "POSTGRES");
        properties.put("datasources.default.schema-generate", "NONE");
        properties.put("datasources.default.maximum-pool-size", "4");
        context = ApplicationContext.run(properties);
        groups = context.getBean(AccountGroupRepository.class);
        db = database.connect();
    }

    @AfterAll
    void stop() throws SQLException {
        db.close();
        context.close();
    }

    // --- the visibility rule ---

    @Test
    void packIsVisibleWhileSharedWithAGroupOfTheAccount() throws SQLException {
        UUID partner = partner();
        UUID account = managed(partner);
        UUID bystander = managed(partner);
        UUID pack = pack(partner);
        UUID group = group(partner);
        assertFalse(groups.isPackVisibleToAccount(pack, account), "not shared yet");

        groups.addMember(group, account, Instant.now());
        assertFalse(groups.isPackVisibleToAccount(pack, account), "member, but the group has no packs");
        groups.addPack(group, pack, Instant.now());

        assertTrue(groups.isPackVisibleToAccount(pack, account));
        assertEquals(List.of(pack), visible(account));
        assertFalse(groups.isPackVisibleToAccount(pack, bystander), "not a member");
        assertEquals(List.of(), visible(bystander));
        assertFalse(groups.isPackVisibleToAccount(pack, partner), "the partner itself is no member");
    }

    @Test
    void removingThePackFromTheGroupHidesIt() throws SQLException {
        UUID partner = partner();
        UUID account = managed(partner);
        UUID pack = pack(partner);
        UUID group = sharedGroup(partner, account, pack);
        assertTrue(groups.isPackVisibleToAccount(pack, account));

        assertEquals(1, groups.removePack(group, pack));

        assertFalse(groups.isPackVisibleToAccount(pack, account));
        assertEquals(List.of(), visible(account));
        assertEquals(0, groups.removePack(group, pack), "removing again changes nothing");
    }

    @Test
    void leavingTheGroupHidesIt() throws SQLException {
        UUID partner = partner();
        UUID account = managed(partner);
        UUID pack = pack(partner);
        UUID group = sharedGroup(partner, account, pack);

        assertEquals(1, groups.removeMember(group, account));

        assertFalse(groups.isPackVisibleToAccount(pack, account));
        assertEquals(List.of(), visible(account));
    }

    @Test
    void deletingTheGroupHidesItAndKeepsAccountsPacksAndInstances() throws SQLException {
        UUID partner = partner();
        UUID account = managed(partner);
        UUID pack = pack(partner);
        UUID group = sharedGroup(partner, account, pack);
        UUID instance = installedInstance(account, pack);

        assertEquals(1, groups.deleteOwned(group, partner));

        assertFalse(groups.isPackVisibleToAccount(pack, account));
        assertEquals(0, count("SELECT count(*) FROM account_group_members WHERE account_group_id = ?", group));
        assertEquals(0, count("SELECT count(*) FROM account_group_packs WHERE account_group_id = ?", group));
        assertEquals(1, count("SELECT count(*) FROM accounts WHERE id = ?", account));
        assertEquals(1, count("SELECT count(*) FROM integration_packs WHERE id = ?", pack));
        assertEquals(1, count("SELECT count(*) FROM integration_pack_instances WHERE id = ?", instance));
    }

    @Test
    void hidingAPackLeavesInstalledInstancesAlone() throws SQLException {
        UUID partner = partner();
        UUID account = managed(partner);
        UUID pack = pack(partner);
        UUID group = sharedGroup(partner, account, pack);
        UUID instance = installedInstance(account, pack);

        groups.removePack(group, pack);
        groups.removeMember(group, account);

        assertFalse(groups.isPackVisibleToAccount(pack, account));
        assertEquals(1, count("SELECT count(*) FROM integration_pack_instances WHERE id = ?", instance));
    }

    @Test
    void deletedPacksAreNeverVisible() throws SQLException {
        UUID partner = partner();
        UUID account = managed(partner);
        UUID pack = pack(partner);
        UUID group = sharedGroup(partner, account, pack);

        exec("UPDATE integration_packs SET deleted_at = now() WHERE id = ?", pack);

        assertFalse(groups.isPackVisibleToAccount(pack, account), "deleted, while its clean-up has not run yet");
        assertEquals(List.of(), visible(account));
        assertEquals(List.of(), groups.findFirstLivePacks(List.of(group), 100), "a group lists live packs only");
        assertEquals(
                1,
                count("SELECT count(*) FROM account_group_packs WHERE account_group_id = ?", group),
                "the row is still there: only the query hides it");
    }

    @Test
    void neverVisibleAcrossPartners() throws SQLException {
        UUID partner = partner();
        UUID other = partner();
        UUID account = managed(partner);
        UUID othersAccount = managed(other);
        UUID pack = pack(partner);
        UUID othersPack = pack(other);
        sharedGroup(partner, account, pack);
        UUID othersGroup = sharedGroup(other, othersAccount, othersPack);

        assertFalse(groups.isPackVisibleToAccount(pack, othersAccount));
        assertFalse(groups.isPackVisibleToAccount(othersPack, account));
        assertEquals(List.of(pack), visible(account));
        assertEquals(List.of(othersPack), visible(othersAccount));

        // rows that the V3 triggers refuse, forced in: the rule itself still refuses to see them
        UUID unsharedPack = pack(partner);
        UUID ungroupedAccount = managed(partner);
        withTenancyTriggersDisabled(() -> {
            // my account in their group, which shares their pack
            exec("INSERT INTO account_group_members VALUES (?, ?, now())", othersGroup, account);
            // my pack in their group, whose member is their account
            exec("INSERT INTO account_group_packs VALUES (?, ?, now())", othersGroup, pack);
            // my pack and my account meeting in their group
            exec("INSERT INTO account_group_members VALUES (?, ?, now())", othersGroup, ungroupedAccount);
            exec("INSERT INTO account_group_packs VALUES (?, ?, now())", othersGroup, unsharedPack);
        });
        assertFalse(groups.isPackVisibleToAccount(othersPack, account), "another partner's pack via its group");
        assertFalse(groups.isPackVisibleToAccount(pack, othersAccount), "my pack via another partner's group");
        assertFalse(
                groups.isPackVisibleToAccount(unsharedPack, ungroupedAccount), "my pack and account in their group");
        assertEquals(List.of(pack), visible(account));
        assertEquals(List.of(othersPack), visible(othersAccount));
        assertEquals(List.of(), visible(ungroupedAccount));
    }

    @Test
    void partnerAccountsNeverSeePacksThroughGroups() throws SQLException {
        UUID partner = partner();
        UUID pack = pack(partner);
        UUID group = group(partner);
        groups.addPack(group, pack, Instant.now());
        withTenancyTriggersDisabled(
                () -> exec("INSERT INTO account_group_members VALUES (?, ?, now())", group, partner));
        assertFalse(groups.isPackVisibleToAccount(pack, partner));
        assertEquals(List.of(), visible(partner));
    }

    @Test
    void unknownIdsAreNotVisible() throws SQLException {
        UUID partner = partner();
        UUID account = managed(partner);
        UUID pack = pack(partner);
        sharedGroup(partner, account, pack);
        assertFalse(groups.isPackVisibleToAccount(UUID.randomUUID(), account));
        assertFalse(groups.isPackVisibleToAccount(pack, UUID.randomUUID()));
        assertEquals(List.of(), visible(UUID.randomUUID()));
    }

    @Test
    void aPackSharedByManyGroupsIsListedOnceAndStaysVisibleWhileOneStillSharesIt() throws SQLException {
        UUID partner = partner();
        UUID account = managed(partner);
        UUID pack = pack(partner);
        UUID first = sharedGroup(partner, account, pack);
        sharedGroup(partner, account, pack);

        assertEquals(List.of(pack), visible(account));
        groups.removePack(first, pack);
        assertTrue(groups.isPackVisibleToAccount(pack, account), "the second group still shares it");
        assertEquals(List.of(pack), visible(account));
    }

    @Test
    void visiblePacksArePagedInCreationOrder() throws SQLException {
        UUID partner = partner();
        UUID account = managed(partner);
        UUID group = group(partner);
        groups.addMember(group, account, Instant.now());
        List<UUID> packs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID pack = pack(partner);
            packs.add(pack);
            groups.addPack(group, pack, Instant.now());
        }
        pack(partner); // not shared

        List<UUID> paged = new ArrayList<>();
        UUID after = FIRST_PAGE;
        List<UUID> page;
        do {
            page = groups.findPackIdsVisibleToAccount(account, after, 2);
            paged.addAll(page);
            after = page.isEmpty() ? after : page.get(page.size() - 1);
        } while (page.size() == 2);
        assertEquals(packs, paged);
    }

    // --- groups, members and resources ---

    @Test
    void groupNamesAreUniquePerPartner() throws SQLException {
        UUID partner = partner();
        UUID other = partner();
        Instant now = Instant.now();
        assertEquals(1, groups.insertUnlessNameTaken(Ids.next(), partner, "EMEA", now));
        assertEquals(0, groups.insertUnlessNameTaken(Ids.next(), partner, "EMEA", now));
        assertEquals(1, groups.insertUnlessNameTaken(Ids.next(), other, "EMEA", now));
        assertEquals(1, groups.insertUnlessNameTaken(Ids.next(), partner, "emea", now), "names are case-sensitive");
        assertEquals(
                1,
                count("SELECT count(*) FROM account_groups WHERE partner_account_id = ? AND name = 'EMEA'", partner));
    }

    @Test
    void groupsAreFoundOnlyByTheirPartner() throws SQLException {
        UUID partner = partner();
        UUID other = partner();
        UUID group = group(partner);
        assertTrue(groups.findOwned(group, partner).isPresent());
        assertTrue(groups.findOwned(group, other).isEmpty());
        assertTrue(groups.findOwnedForShare(group, other).isEmpty());
        assertEquals(0, groups.deleteOwned(group, other));
        assertTrue(groups.findOwned(group, partner).isPresent());
    }

    @Test
    void addingTwiceChangesNothing() throws SQLException {
        UUID partner = partner();
        UUID account = managed(partner);
        UUID pack = pack(partner);
        UUID group = group(partner);
        assertEquals(1, groups.addMember(group, account, Instant.now()));
        assertEquals(0, groups.addMember(group, account, Instant.now()));
        assertEquals(1, groups.addPack(group, pack, Instant.now()));
        assertEquals(0, groups.addPack(group, pack, Instant.now()));
        assertEquals(List.of(new AccountGroupLink(group, account)), groups.findFirstMembers(List.of(group), 100));
        assertEquals(List.of(new AccountGroupLink(group, pack)), groups.findFirstLivePacks(List.of(group), 100));
    }

    @Test
    void livePacksAreLockedOnlyForTheirPartner() throws SQLException {
        UUID partner = partner();
        UUID other = partner();
        UUID pack = pack(partner);
        assertEquals(pack, groups.lockLivePack(pack, partner).orElseThrow());
        assertTrue(groups.lockLivePack(pack, other).isEmpty());
        exec("UPDATE integration_packs SET deleted_at = now() WHERE id = ?", pack);
        assertTrue(groups.lockLivePack(pack, partner).isEmpty());
    }

    // --- the V3 tenancy triggers ---

    @Test
    void membersMustBeManagedAccountsOfTheGroupsPartner() throws SQLException {
        UUID partner = partner();
        UUID other = partner();
        UUID group = group(partner);
        UUID othersAccount = managed(other);
        UUID account = managed(partner);
        assertViolates(() -> exec("INSERT INTO account_group_members VALUES (?, ?, now())", group, othersAccount));
        assertViolates(() -> exec("INSERT INTO account_group_members VALUES (?, ?, now())", group, partner));
        assertViolates(() -> exec("INSERT INTO account_group_members VALUES (?, ?, now())", group, other));
        exec("INSERT INTO account_group_members VALUES (?, ?, now())", group, account);
        assertViolates(() -> exec(
                "UPDATE account_group_members SET account_id = ? WHERE account_group_id = ?", othersAccount, group));
        assertEquals(1, count("SELECT count(*) FROM account_group_members WHERE account_group_id = ?", group));
    }

    @Test
    void resourcesMustBeLivePacksOfTheGroupsPartner() throws SQLException {
        UUID partner = partner();
        UUID other = partner();
        UUID group = group(partner);
        UUID othersPack = pack(other);
        UUID deleted = pack(partner);
        exec("UPDATE integration_packs SET deleted_at = now() WHERE id = ?", deleted);
        assertViolates(() -> exec("INSERT INTO account_group_packs VALUES (?, ?, now())", group, othersPack));
        assertViolates(() -> exec("INSERT INTO account_group_packs VALUES (?, ?, now())", group, deleted));
        assertViolates(() -> exec("INSERT INTO account_group_packs VALUES (?, ?, now())", group, UUID.randomUUID()));
        assertEquals(0, count("SELECT count(*) FROM account_group_packs WHERE account_group_id = ?", group));
    }

    // --- fixtures ---

    private List<UUID> visible(UUID account) {
        return groups.findPackIdsVisibleToAccount(account, FIRST_PAGE, 100);
    }

    private UUID partner() throws SQLException {
        UUID id = Ids.next();
        exec("INSERT INTO accounts VALUES (?, 'partner', 'PARTNER', NULL, 'UTC', true, false, now(), now())", id);
        return id;
    }

    private UUID managed(UUID partner) throws SQLException {
        UUID id = Ids.next();
        exec(
                "INSERT INTO accounts VALUES (?, 'managed', 'MANAGED', ?, 'UTC', false, false, now(), now())",
                id,
                partner);
        return id;
    }

    private UUID pack(UUID partner) throws SQLException {
        UUID id = Ids.next();
        exec(
                "INSERT INTO integration_packs (id, partner_account_id, name, installation_type, created_at, updated_at)"
                        + " VALUES (?, ?, ?, 'SINGLE', now(), now())",
                id,
                partner,
                "pack " + id);
        return id;
    }

    private UUID group(UUID partner) {
        UUID id = Ids.next();
        assertEquals(1, groups.insertUnlessNameTaken(id, partner, "group " + id, Instant.now()));
        return id;
    }

    private UUID sharedGroup(UUID partner, UUID account, UUID pack) {
        UUID group = group(partner);
        groups.addMember(group, account, Instant.now());
        groups.addPack(group, pack, Instant.now());
        return group;
    }

    /** A released pack installed in {@code account}: what must survive any change of visibility. */
    private UUID installedInstance(UUID account, UUID pack) throws SQLException {
        UUID partner;
        try (PreparedStatement statement =
                db.prepareStatement("SELECT partner_account_id FROM integration_packs WHERE id = ?")) {
            statement.setObject(1, pack);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                partner = row.getObject(1, UUID.class);
            }
        }
        UUID release = Ids.next();
        exec(
                "INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number, release_schedule,"
                        + " status, workflow_id, created_at) VALUES (?, ?, ?, 1, 'IMMEDIATELY', 'RELEASED', ?, now())",
                release,
                pack,
                partner,
                "release-" + release);
        exec(
                "UPDATE integration_packs SET current_release_id = ?, last_release_number = 1 WHERE id = ?",
                release,
                pack);
        UUID instance = Ids.next();
        exec(
                "INSERT INTO integration_pack_instances (id, account_id, integration_pack_id, installed_release_id,"
                        + " created_at, updated_at) VALUES (?, ?, ?, ?, now(), now())",
                instance,
                account,
                pack,
                release);
        return instance;
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private void withTenancyTriggersDisabled(SqlAction action) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("ALTER TABLE account_group_members DISABLE TRIGGER account_group_members_same_partner");
            statement.execute("ALTER TABLE account_group_packs DISABLE TRIGGER account_group_packs_same_partner");
            try {
                action.run();
            } finally {
                statement.execute(
                        "ALTER TABLE account_group_members ENABLE TRIGGER account_group_members_same_partner");
                statement.execute("ALTER TABLE account_group_packs ENABLE TRIGGER account_group_packs_same_partner");
            }
        }
    }

    private void exec(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    private long count(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static void assertViolates(SqlAction action) {
        SQLException refused = assertThrows(SQLException.class, action::run);
        assertEquals(FOREIGN_KEY, refused.getSQLState(), refused::getMessage);
    }
}
