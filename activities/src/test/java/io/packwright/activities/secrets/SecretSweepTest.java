package io.packwright.activities.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.context.ApplicationContext;
import io.micronaut.transaction.TransactionOperations;
import io.packwright.activities.store.Ids;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.store.component.PackageExtension;
import io.packwright.activities.store.managed.ExtensionValueStore;
import io.packwright.activities.store.release.NewRelease;
import io.packwright.activities.store.release.ReleaseRows;
import io.packwright.activities.store.release.ReleaseRows.Pack;
import io.packwright.activities.store.release.ReleaseStore;
import io.packwright.activities.webhook.WebhookSecrets;
import io.packwright.workflows.release.ReleaseSchedule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The worker's secret sweep on the real PostgreSQL and the real migrations: values whose key a
 * release made secret are encrypted in batches that survive a crash; secret defaults stored in plain
 * text before they were encrypted (and plain values of keys that were secret before the sweep
 * existed) are encrypted after the migration; ciphertexts under a previous key, and of version 1,
 * are rewritten under the current key; what no configured key decrypts is left and reported by key
 * id, never by content.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretSweepTest {

    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
    private static final String OLD_KEY = key(1);
    private static final String CURRENT_KEY = key(2);
    private static final String LOST_KEY = key(3);
    private static final String SECRET = "sweep-secret-that-must-never-leak-99";

    private final TestDatabase database = TestDatabases.create().migrate();
    private final SecretCipher old = new SecretCipher(OLD_KEY);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private ApplicationContext context;
    private SecretSweep sweep;
    private SecretCipher cipher;
    private TransactionOperations<Connection> transactions;
    private Connection db;
    private ReleaseRows rows;

    private static String key(int fill) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) fill);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @BeforeAll
    @SuppressWarnings("unchecked")
    void start() throws SQLException {
        context = ReleaseRows.context(
                database,
                Map.of(
                        "packwright.secrets.key",
                        CURRENT_KEY,
                        "packwright.secrets.previous-keys",
                        OLD_KEY,
                        "packwright.secrets.sweep-batch-size",
                        "2"));
        sweep = context.getBean(SecretSweep.class);
        cipher = context.getBean(SecretCipher.class);
        transactions = context.getBean(TransactionOperations.class);
        db = database.connect();
        rows = new ReleaseRows(db);
    }

    @BeforeEach
    void captureLogs() throws SQLException {
        // every test starts from a database without anything left to sweep
        rows.exec("DELETE FROM secret_key_sweeps");
        rows.exec("DELETE FROM instance_extension_values");
        rows.exec("DELETE FROM webhook_endpoints");
        logs.list.clear();
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void nothingLeaked() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        for (ILoggingEvent event : logs.list) {
            assertFalse(event.getFormattedMessage().contains(SECRET), event::getFormattedMessage);
            assertFalse(event.getFormattedMessage().contains(OLD_KEY)
                    || event.getFormattedMessage().contains(CURRENT_KEY));
        }
    }

    @AfterAll
    void stop() throws SQLException {
        db.close();
        context.close();
    }

    @Test
    void valuesOfAKeyThatAReleaseMadeSecretAreEncryptedInBatchesThatSurviveACrash() throws SQLException {
        Pack pack = rows.pack();
        UUID component = member(pack, "token:false", "note:false");
        declareOn(pack.first(), component);
        List<UUID> instances = rows.instances(pack, pack.first(), 5);
        for (UUID instance : instances) {
            plain(instance, "token", SECRET + instance);
            plain(instance, "note", "n");
        }
        shareablePackage(component, "token:true", "note:false");

        UUID scheduled = create(pack, ReleaseSchedule.RELEASE_ON_SPECIFIED_DATE);
        assertEquals(1, rows.count("SELECT count(*) FROM secret_key_sweeps WHERE keys = '{token}'"));

        // a pass that stops after its first batch: the walk resumes where that batch committed
        AtomicInteger checks = new AtomicInteger();
        SecretSweep.Pass interrupted = sweep.pass(() -> checks.incrementAndGet() > 1);
        assertEquals(2, interrupted.valuesEncrypted());
        assertFalse(interrupted.complete());
        assertEquals(instances.get(1), cursor());
        assertEquals(List.of(true, true, false, false, false), encrypted(instances, "token"));

        SecretSweep.Pass rest = sweep.pass(() -> false);
        assertEquals(3, rest.valuesEncrypted());
        assertEquals(3, rest.instancesWalked());
        assertEquals(0, rest.queuedSweeps());
        assertEquals(List.of(true, true, true, true, true), encrypted(instances, "token"));
        assertEquals(List.of(false, false, false, false, false), encrypted(instances, "note"));
        for (UUID instance : instances) {
            byte[] stored = ciphertext(instance, "token");
            assertTrue(cipher.isCurrent(stored));
            assertEquals(SECRET + instance, cipher.decrypt(ExtensionValueStore.owner(instance, "token"), stored));
        }

        // a rerun changes nothing
        List<byte[]> before = new ArrayList<>();
        for (UUID instance : instances) {
            before.add(ciphertext(instance, "token"));
        }
        SecretSweep.Pass again = sweep.pass(() -> false);
        assertEquals(0, again.valuesEncrypted() + again.reencrypted());
        for (int i = 0; i < instances.size(); i++) {
            assertArrayEquals(before.get(i), ciphertext(instances.get(i), "token"));
        }

        // a key that the pending release already declares secret queues nothing
        create(pack, ReleaseSchedule.IMMEDIATELY);
        assertEquals(0, rows.count("SELECT count(*) FROM secret_key_sweeps"));
        assertEquals("SUPERSEDED", rows.lifecycle(scheduled).status());
    }

    @Test
    void aValueIsEncryptedOnlyWhereItsKeyIsStillSecretWhenTheSweepGetsThere() throws SQLException {
        Pack pack = rows.pack();
        UUID component = member(pack, "token:false");
        declareOn(pack.first(), component);
        UUID instance = rows.instance(pack, pack.first());
        plain(instance, "token", "still-plain");
        shareablePackage(component, "token:true");
        create(pack, ReleaseSchedule.RELEASE_ON_SPECIFIED_DATE);
        // superseded by a release that declares it plain again before the sweep ran
        shareablePackage(component, "token:false");
        create(pack, ReleaseSchedule.IMMEDIATELY);

        SecretSweep.Pass pass = sweep.pass(() -> false);
        assertEquals(0, pass.valuesEncrypted());
        assertEquals(1, pass.instancesWalked());
        assertEquals(List.of(false), encrypted(List.of(instance), "token"));
        assertEquals(0, pass.queuedSweeps());
    }

    @Test
    void ciphertextsUnderAPreviousKeyOrOfVersionOneAreRewrittenUnderTheCurrentKey() throws Exception {
        Pack pack = rows.pack();
        List<UUID> instances = rows.instances(pack, pack.first(), 5);
        for (UUID instance : instances) {
            encryptedValue(instance, "token", old.encrypt(ExtensionValueStore.owner(instance, "token"), SECRET));
        }
        UUID versionOne = rows.instance(pack, pack.first());
        encryptedValue(
                versionOne,
                "token",
                VersionOneCiphertexts.encrypt(OLD_KEY, ExtensionValueStore.owner(versionOne, "token"), SECRET));
        UUID lost = rows.instance(pack, pack.first());
        byte[] underLostKey = new SecretCipher(LOST_KEY).encrypt(ExtensionValueStore.owner(lost, "token"), SECRET);
        encryptedValue(lost, "token", underLostKey);
        UUID current = rows.instance(pack, pack.first());
        byte[] alreadyCurrent = cipher.encrypt(ExtensionValueStore.owner(current, "token"), SECRET);
        encryptedValue(current, "token", alreadyCurrent);
        UUID packaged = secretDefault(pack, old);

        SecretSweep.Pass pass = sweep.pass(() -> false);

        assertEquals(7, pass.reencrypted(), pass::toString);
        assertEquals(1, pass.undecryptable());
        assertEquals(1, pass.remaining(), "the one no configured key decrypts");
        for (UUID instance : instances) {
            byte[] stored = ciphertext(instance, "token");
            assertTrue(cipher.isCurrent(stored));
            assertEquals(
                    SECRET,
                    new SecretCipher(CURRENT_KEY).decrypt(ExtensionValueStore.owner(instance, "token"), stored));
        }
        assertEquals(
                SECRET,
                new SecretCipher(CURRENT_KEY)
                        .decrypt(ExtensionValueStore.owner(versionOne, "token"), ciphertext(versionOne, "token")));
        assertArrayEquals(underLostKey, ciphertext(lost, "token"), "left as it is");
        assertArrayEquals(alreadyCurrent, ciphertext(current, "token"), "untouched");
        byte[] defaultValue = encryptedDefault(packaged);
        assertEquals(
                SECRET,
                new SecretCipher(CURRENT_KEY).decrypt(PackageExtension.defaultOwner(packaged, "apiKey"), defaultValue));
        String lostKeyId = new SecretCipher(LOST_KEY).currentKeyId();
        assertTrue(
                logs.list.stream()
                        .anyMatch(event -> event.getFormattedMessage().contains(lostKeyId)
                                && event.getFormattedMessage().contains("PACKWRIGHT_SECRETS_PREVIOUS_KEYS")),
                () -> messages());

        // once the undecryptable value is gone, the sweep says that no previous key is needed
        rows.exec("DELETE FROM instance_extension_values WHERE integration_pack_instance_id = ?", lost);
        SecretSweep.Pass done = sweep.pass(() -> false);
        assertEquals(0, done.remaining());
        assertEquals(0, done.reencrypted());
        assertTrue(
                logs.list.stream().anyMatch(event -> event.getFormattedMessage().contains("no ciphertext is left")),
                () -> messages());
    }

    @Test
    void webhookSecretsCurrentAndPreviousUnderAPreviousKeyAreRewrittenUnderTheCurrentKey() throws Exception {
        Pack pack = rows.pack();
        String signing = "whsec_c2lnbmluZy1zZWNyZXQtdGhhdC1tdXN0LW5ldmVyLWxlYWs=";
        String rotatedOut = "whsec_cm90YXRlZC1vdXQtc2VjcmV0LXRoYXQtbXVzdC1uZXZlci1sZWFr";
        UUID rotated = UUID.randomUUID();
        UUID fresh = UUID.randomUUID();
        UUID current = UUID.randomUUID();
        endpoint(
                rotated,
                pack.partner(),
                old.encrypt(WebhookSecrets.owner(rotated), signing),
                old.encrypt(WebhookSecrets.owner(rotated), rotatedOut));
        endpoint(fresh, pack.partner(), old.encrypt(WebhookSecrets.owner(fresh), signing), null);
        byte[] alreadyCurrent = cipher.encrypt(WebhookSecrets.owner(current), signing);
        endpoint(current, pack.partner(), alreadyCurrent, null);

        SecretSweep.Pass pass = sweep.pass(() -> false);

        assertEquals(3, pass.reencrypted(), pass::toString);
        assertEquals(0, pass.remaining(), pass::toString);
        SecretCipher onlyCurrent = new SecretCipher(CURRENT_KEY);
        assertEquals(signing, onlyCurrent.decrypt(WebhookSecrets.owner(rotated), webhookSecret(rotated, "secret")));
        assertEquals(
                rotatedOut,
                onlyCurrent.decrypt(WebhookSecrets.owner(rotated), webhookSecret(rotated, "previous_secret")));
        assertEquals(signing, onlyCurrent.decrypt(WebhookSecrets.owner(fresh), webhookSecret(fresh, "secret")));
        assertNull(webhookSecret(fresh, "previous_secret"), "no previous secret appears");
        assertArrayEquals(alreadyCurrent, webhookSecret(current, "secret"), "untouched");
        assertEquals(0, sweep.pass(() -> false).reencrypted(), "nothing left to do");
        for (ILoggingEvent event : logs.list) {
            assertFalse(event.getFormattedMessage().contains(signing)
                    || event.getFormattedMessage().contains(rotatedOut));
        }
    }

    private void endpoint(UUID id, UUID account, byte[] secret, byte[] previous) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("""
                INSERT INTO webhook_endpoints (id, account_id, url, event_types, secret, previous_secret,
                                               previous_secret_expires_at, created_at, updated_at)
                VALUES (?, ?, 'https://hooks.example.com/', ARRAY['*'], ?, ?, CASE WHEN ? THEN now() + interval '1 day' END,
                        now(), now())""")) {
            insert.setObject(1, id);
            insert.setObject(2, account);
            insert.setBytes(3, secret);
            insert.setBytes(4, previous);
            insert.setBoolean(5, previous != null);
            insert.executeUpdate();
        }
    }

    private byte[] webhookSecret(UUID endpoint, String column) throws SQLException {
        try (PreparedStatement query =
                db.prepareStatement("SELECT " + column + " FROM webhook_endpoints WHERE id = ?")) {
            query.setObject(1, endpoint);
            try (ResultSet row = query.executeQuery()) {
                assertTrue(row.next());
                return row.getBytes(1);
            }
        }
    }

    @Test
    void plainSecretsFromBeforeTheMigrationsAreEncryptedAfterThem() throws Exception {
        TestDatabase legacy = TestDatabases.create();
        Flyway.configure()
                .dataSource(legacy.jdbcUrl(), legacy.username(), legacy.password())
                .locations("classpath:db/migration")
                .target("4")
                .load()
                .migrate();
        UUID instance;
        UUID packaged;
        UUID plainInstance;
        try (Connection connection = legacy.connect()) {
            ReleaseRows legacyRows = new ReleaseRows(connection);
            Pack pack = legacyRows.pack();
            UUID component = Ids.next();
            legacyRows.exec(
                    "INSERT INTO components VALUES (?, ?, 'c', 'PROCESS', false, ?)", component, pack.partner(), NOW);
            packaged = Ids.next();
            legacyRows.exec(
                    "INSERT INTO packaged_components VALUES (?, ?, '1', true, NULL, ?)", packaged, component, NOW);
            legacyRows.exec(
                    "INSERT INTO package_extensions VALUES (?, 'token', 'CONNECTION_FIELD', true, true, ?)",
                    packaged,
                    SECRET);
            legacyRows.exec(
                    "INSERT INTO package_extensions VALUES (?, 'note', 'PROCESS_PROPERTY', false, false, NULL)",
                    packaged);
            legacyRows.exec(
                    "INSERT INTO release_components VALUES (?, ?, 'c', 'PROCESS', ?, '1')",
                    pack.first(),
                    component,
                    packaged);
            instance = legacyRows.instance(pack, pack.first());
            legacyRows.exec("INSERT INTO instance_extension_values VALUES (?, 'token', ?, NULL)", instance, SECRET);
            plainInstance = legacyRows.instance(pack, pack.first());
            legacyRows.exec("INSERT INTO instance_extension_values VALUES (?, 'note', 'n', NULL)", plainInstance);
        }
        legacy.migrate();

        try (ApplicationContext legacyContext =
                        ReleaseRows.context(legacy, Map.of("packwright.secrets.key", CURRENT_KEY));
                Connection connection = legacy.connect()) {
            SecretSweep.Pass pass = legacyContext.getBean(SecretSweep.class).pass(() -> false);
            assertEquals(1, pass.valuesEncrypted());
            assertEquals(1, pass.defaultsEncrypted());
            SecretCipher legacyCipher = legacyContext.getBean(SecretCipher.class);
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT value, encrypted_value FROM instance_extension_values WHERE integration_pack_instance_id = ?")) {
                statement.setObject(1, instance);
                try (ResultSet stored = statement.executeQuery()) {
                    stored.next();
                    assertNull(stored.getString("value"));
                    assertEquals(
                            SECRET,
                            legacyCipher.decrypt(
                                    ExtensionValueStore.owner(instance, "token"), stored.getBytes("encrypted_value")));
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT default_value, encrypted_default_value FROM package_extensions WHERE packaged_component_id = ? AND key = 'token'")) {
                statement.setObject(1, packaged);
                try (ResultSet stored = statement.executeQuery()) {
                    stored.next();
                    assertNull(stored.getString("default_value"));
                    assertEquals(
                            SECRET,
                            legacyCipher.decrypt(
                                    PackageExtension.defaultOwner(packaged, "token"),
                                    stored.getBytes("encrypted_default_value")));
                }
            }
            assertEquals(
                    1,
                    new ReleaseRows(connection)
                            .count(
                                    "SELECT count(*) FROM instance_extension_values WHERE integration_pack_instance_id = ? AND value = 'n'",
                                    plainInstance));
        }
    }

    // --- rows ---

    /** A member component of the pack with a shareable package declaring {@code key:secret} extensions. */
    private UUID member(Pack pack, String... extensions) throws SQLException {
        UUID component = Ids.next();
        rows.exec(
                "INSERT INTO components VALUES (?, ?, ?, 'PROCESS', false, ?)",
                component,
                pack.partner(),
                "c " + component,
                NOW);
        rows.exec("INSERT INTO integration_pack_members VALUES (?, ?, ?)", pack.id(), component, NOW);
        shareablePackage(component, extensions);
        return component;
    }

    private void shareablePackage(UUID component, String... extensions) throws SQLException {
        UUID packaged = Ids.next();
        rows.exec(
                "INSERT INTO packaged_components VALUES (?, ?, ?, true, NULL, ?)",
                packaged,
                component,
                packaged.toString(),
                NOW);
        for (String extension : extensions) {
            String[] parts = extension.split(":");
            rows.exec(
                    "INSERT INTO package_extensions (packaged_component_id, key, kind, required, secret)"
                            + " VALUES (?, ?, 'CONNECTION_FIELD', false, ?)",
                    packaged,
                    parts[0],
                    Boolean.parseBoolean(parts[1]));
        }
    }

    /** Puts the component's newest shareable package into the content of {@code release}. */
    private void declareOn(UUID release, UUID component) throws SQLException {
        rows.exec("""
                INSERT INTO release_components
                SELECT ?, c.id, c.name, c.type, pc.id, pc.package_version FROM components c
                JOIN packaged_components pc ON pc.component_id = c.id
                WHERE c.id = ? ORDER BY pc.id DESC LIMIT 1""", release, component);
    }

    /** Creates a release of the pack's members as the api does. */
    private UUID create(Pack pack, ReleaseSchedule schedule) {
        UUID id = Ids.next();
        boolean scheduled = schedule == ReleaseSchedule.RELEASE_ON_SPECIFIED_DATE;
        transactions.executeWrite(status -> context.getBean(ReleaseStore.class)
                .create(new NewRelease(
                        id,
                        pack.id(),
                        schedule,
                        scheduled ? LocalDate.parse("2030-03-01") : null,
                        scheduled ? Instant.parse("2030-03-01T00:00:00Z") : null,
                        scheduled ? Instant.parse("2030-03-01T01:00:00Z") : null,
                        null,
                        null,
                        null,
                        NOW)));
        return id;
    }

    /** A secret extension {@code apiKey} of a new package, with a default encrypted by {@code by}. */
    private UUID secretDefault(Pack pack, SecretCipher by) throws SQLException {
        UUID component = Ids.next();
        rows.exec("INSERT INTO components VALUES (?, ?, 'd', 'PROCESS', false, ?)", component, pack.partner(), NOW);
        UUID packaged = Ids.next();
        rows.exec("INSERT INTO packaged_components VALUES (?, ?, '1', true, NULL, ?)", packaged, component, NOW);
        rows.exec(
                "INSERT INTO package_extensions VALUES (?, 'apiKey', 'CONNECTION_FIELD', true, true, NULL, ?)",
                packaged,
                by.encrypt(PackageExtension.defaultOwner(packaged, "apiKey"), SECRET));
        return packaged;
    }

    private void plain(UUID instance, String key, String value) throws SQLException {
        rows.exec("INSERT INTO instance_extension_values VALUES (?, ?, ?, NULL)", instance, key, value);
    }

    private void encryptedValue(UUID instance, String key, byte[] encrypted) throws SQLException {
        rows.exec("INSERT INTO instance_extension_values VALUES (?, ?, NULL, ?)", instance, key, encrypted);
    }

    private UUID cursor() throws SQLException {
        return rows.ids("SELECT after_instance_id FROM secret_key_sweeps").get(0);
    }

    private List<Boolean> encrypted(List<UUID> instances, String key) throws SQLException {
        List<Boolean> encrypted = new ArrayList<>();
        for (UUID instance : instances) {
            encrypted.add(rows.count(
                            "SELECT count(*) FROM instance_extension_values WHERE integration_pack_instance_id = ?"
                                    + " AND key = ? AND encrypted_value IS NOT NULL AND value IS NULL",
                            instance,
                            key)
                    == 1);
        }
        return encrypted;
    }

    private byte[] ciphertext(UUID instance, String key) throws SQLException {
        return bytes(
                "SELECT encrypted_value FROM instance_extension_values WHERE integration_pack_instance_id = ? AND key = ?",
                instance,
                key);
    }

    private byte[] encryptedDefault(UUID packaged) throws SQLException {
        return bytes(
                "SELECT encrypted_default_value FROM package_extensions WHERE packaged_component_id = ?", packaged);
    }

    private byte[] bytes(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getBytes(1);
            }
        }
    }

    private String messages() {
        return String.join(
                "\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }
}
