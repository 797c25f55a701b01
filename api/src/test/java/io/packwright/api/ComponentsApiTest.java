package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static io.packwright.api.support.CatalogFixtures.extension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.component.PackageExtension;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.Tokens;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /api/v1/components}: a partner's catalog of components and their immutable packages. */
class ComponentsApiTest extends CatalogApiTestBase {

    private UUID partner;
    private String token;

    @Inject
    private SecretCipher cipher;

    @BeforeAll
    void partner() {
        partner = createPartner("Catalog Partner", false, false);
        token = Tokens.account(partner);
    }

    private long components() {
        return count("SELECT count(*) FROM components");
    }

    private long packages() {
        return count("SELECT count(*) FROM packaged_components");
    }

    private long extensions() {
        return count("SELECT count(*) FROM package_extensions");
    }

    // --- components ---

    @Test
    void createsAndReadsAComponent() {
        ApiResponse created = api.post(
                "/api/v1/components", token, obj("name", "Orders", "type", "PROCESS", "containsProcessRoute", true));
        assertEquals(201, created.status(), created::toString);
        String id = created.string("id");
        assertEquals(
                "/api/v1/components/" + id,
                created.headers().firstValue("location").orElseThrow());
        assertEquals(
                Set.of("id", "name", "type", "containsProcessRoute", "createdAt"),
                created.body().keySet());
        assertEquals("Orders", created.get("name"));
        assertEquals("PROCESS", created.get("type"));
        assertEquals(true, created.get("containsProcessRoute"));
        assertTrue(created.string("createdAt").endsWith("Z"), created::toString);
        assertEquals(created.body(), api.get("/api/v1/components/" + id, token).body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PROCESS", "API_SERVICE", "PROCESS_ROUTE", "CERTIFICATE", "CUSTOM_LIBRARY", "CONNECTION"})
    void acceptsTheSixTypesAndDefaultsContainsProcessRouteToFalse(String type) {
        ApiResponse created = api.post("/api/v1/components", token, obj("name", "A " + type, "type", type));
        assertEquals(201, created.status(), created::toString);
        assertEquals(type, created.get("type"));
        assertEquals(false, created.get("containsProcessRoute"));
    }

    @Test
    void rejectsInvalidComponentsAndCreatesNothing() {
        long before = components();
        for (Object name : new Object[] {null, "", "  ", "x".repeat(256)}) {
            assertFieldError(
                    assertProblem(400, api.post("/api/v1/components", token, obj("name", name, "type", "PROCESS"))),
                    "name");
        }
        assertFieldError(assertProblem(400, api.post("/api/v1/components", token, obj("name", "No type"))), "type");
        ApiResponse unknown =
                assertProblem(400, api.post("/api/v1/components", token, obj("name", "Odd", "type", "WIDGET")));
        assertFieldError(unknown, "type");
        assertTrue(unknown.string("detail").contains("PROCESS, API_SERVICE"), unknown::toString);
        assertFieldError(
                assertProblem(
                        400,
                        api.post(
                                "/api/v1/components",
                                token,
                                obj("name", "Yes", "type", "PROCESS", "containsProcessRoute", "yes"))),
                "containsProcessRoute");
        assertFieldError(
                assertProblem(400, api.post("/api/v1/components", token, "{\"name\": 5, \"type\": \"PROCESS\"}")),
                "name");
        assertEquals(before, components());

        ApiResponse longest = api.post("/api/v1/components", token, obj("name", "x".repeat(255), "type", "CONNECTION"));
        assertEquals(201, longest.status(), longest::toString);
    }

    @Test
    void listsComponentsInCreationOrderPageByPage() {
        UUID lister = createPartner("Component Lister", false, false);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(fixtures.component(lister, "C" + i, "PROCESS").toString());
        }
        assertEquals(created, ids(listAll("/api/v1/components", Tokens.account(lister), 2)));
        ApiResponse all = api.get("/api/v1/components", Tokens.account(lister));
        assertEquals(5, all.items().size());
        assertTrue(all.body().containsKey("nextPageToken"));
        assertNull(all.get("nextPageToken"));
        assertFieldError(assertProblem(400, api.get("/api/v1/components?limit=501", token)), "limit");
        assertFieldError(assertProblem(400, api.get("/api/v1/components?limit=0", token)), "limit");
        assertFieldError(assertProblem(400, api.get("/api/v1/components?pageToken=nope", token)), "pageToken");
    }

    // --- packages ---

    @Test
    void createsAnImmutablePackageWithExtensions() {
        UUID component = fixtures.component(partner, "Billing", "PROCESS");
        ApiResponse created = api.post(
                "/api/v1/components/" + component + "/packages",
                token,
                obj(
                        "packageVersion",
                        "1.0.0",
                        "shareable",
                        true,
                        "notes",
                        "first cut",
                        "extensions",
                        List.of(
                                obj("key", "password", "kind", "CONNECTION_FIELD", "required", true, "secret", true),
                                obj(
                                        "key", "batchSize",
                                        "kind", "PROCESS_PROPERTY",
                                        "required", false,
                                        "secret", false,
                                        "defaultValue", "100"))));
        assertEquals(201, created.status(), created::toString);
        String id = created.string("id");
        assertEquals(
                "/api/v1/components/" + component + "/packages/" + id,
                created.headers().firstValue("location").orElseThrow());
        assertEquals(
                Set.of("id", "componentId", "packageVersion", "shareable", "notes", "extensions", "createdAt"),
                created.body().keySet());
        assertEquals(component.toString(), created.get("componentId"));
        assertEquals("1.0.0", created.get("packageVersion"));
        assertEquals(true, created.get("shareable"));
        assertEquals("first cut", created.get("notes"));
        assertEquals(
                List.of(
                        obj(
                                "key", "batchSize",
                                "kind", "PROCESS_PROPERTY",
                                "required", false,
                                "secret", false,
                                "defaultValue", "100"),
                        obj(
                                "key",
                                "password",
                                "kind",
                                "CONNECTION_FIELD",
                                "required",
                                true,
                                "secret",
                                true,
                                "defaultValue",
                                null)),
                created.get("extensions"),
                "ordered by key, defaultValue null when absent");

        ApiResponse read = api.get("/api/v1/components/" + component + "/packages/" + id, token);
        assertEquals(created.body(), read.body());
        assertEquals(
                List.of(created.body()),
                api.get("/api/v1/components/" + component + "/packages", token).items());
    }

    @Test
    void theDefaultOfASecretExtensionIsStoredEncryptedAndNeverShown() {
        String secretDefault = "default-secret-that-must-never-leak-17";
        UUID component = fixtures.component(partner, "Secret default", "PROCESS");
        Map<String, Object> secret = extension("token", "CONNECTION_FIELD", true, true);
        secret.put("defaultValue", secretDefault);
        Map<String, Object> region = extension("region", "PROCESS_PROPERTY", false, false);
        region.put("defaultValue", "eu");
        ApiResponse created = api.post(
                "/api/v1/components/" + component + "/packages",
                token,
                obj(
                        "packageVersion",
                        "1",
                        "shareable",
                        true,
                        "extensions",
                        List.of(secret, region, extension("password", "CONNECTION_FIELD", false, true))));
        assertEquals(201, created.status(), created::toString);
        String id = created.string("id");
        List<Map<String, Object>> shown = List.of(
                obj(
                        "key",
                        "password",
                        "kind",
                        "CONNECTION_FIELD",
                        "required",
                        false,
                        "secret",
                        true,
                        "defaultValue",
                        null),
                obj(
                        "key",
                        "region",
                        "kind",
                        "PROCESS_PROPERTY",
                        "required",
                        false,
                        "secret",
                        false,
                        "defaultValue",
                        "eu"),
                obj(
                        "key",
                        "token",
                        "kind",
                        "CONNECTION_FIELD",
                        "required",
                        true,
                        "secret",
                        true,
                        "defaultValue",
                        "******"));
        assertEquals(shown, created.get("extensions"));
        List<ApiResponse> reads = List.of(
                created,
                api.get("/api/v1/components/" + component + "/packages/" + id, token),
                api.get("/api/v1/components/" + component + "/packages", token));
        assertEquals(shown, reads.get(1).get("extensions"));
        assertEquals(shown, reads.get(2).items().get(0).get("extensions"));
        for (ApiResponse read : reads) {
            assertFalse(read.raw().contains(secretDefault), read::toString);
        }

        assertEquals(
                List.of("token:null"),
                fixtures.column("SELECT key || ':' || coalesce(default_value, 'null') FROM package_extensions"
                        + " WHERE packaged_component_id = '" + id + "' AND encrypted_default_value IS NOT NULL"));
        byte[] encrypted = HexFormat.of()
                .parseHex(fixtures.column("SELECT encode(encrypted_default_value, 'hex') FROM package_extensions"
                                + " WHERE packaged_component_id = '" + id + "' AND key = 'token'")
                        .get(0));
        assertEquals(
                secretDefault, cipher.decrypt(PackageExtension.defaultOwner(UUID.fromString(id), "token"), encrypted));
        assertFalse(new String(encrypted, StandardCharsets.ISO_8859_1).contains(secretDefault));
    }

    @Test
    void packageDefaults() {
        UUID component = fixtures.component(partner, "Bare", "CONNECTION");
        ApiResponse created = api.post(
                "/api/v1/components/" + component + "/packages", token, obj("packageVersion", "1", "shareable", false));
        assertEquals(201, created.status(), created::toString);
        assertNull(created.get("notes"));
        assertTrue(created.body().containsKey("notes"));
        assertEquals(List.of(), created.get("extensions"));
        assertEquals(false, created.get("shareable"));
    }

    @Test
    void packageVersionIsUniquePerComponent() {
        UUID component = fixtures.component(partner, "Versioned", "PROCESS");
        UUID other = fixtures.component(partner, "Other", "PROCESS");
        fixtures.pkg(partner, component, "2.0", true, extension("k", "CROSS_REFERENCE", false, false));
        long packagesBefore = packages();
        long extensionsBefore = extensions();
        ApiResponse duplicate = assertProblem(
                409,
                api.post(
                        "/api/v1/components/" + component + "/packages",
                        token,
                        obj(
                                "packageVersion",
                                "2.0",
                                "shareable",
                                false,
                                "extensions",
                                List.of(extension("k2", "TRADING_PARTNER", false, false)))));
        assertTrue(duplicate.string("detail").contains("'2.0'"), duplicate::toString);
        assertEquals(packagesBefore, packages());
        assertEquals(extensionsBefore, extensions());
        fixtures.pkg(partner, other, "2.0", true);
    }

    @Test
    void extensionKeysAreUniqueWithinAPackage() {
        UUID component = fixtures.component(partner, "Duplicated keys", "PROCESS");
        long before = packages();
        ApiResponse response = assertProblem(
                400,
                api.post(
                        "/api/v1/components/" + component + "/packages",
                        token,
                        obj(
                                "packageVersion",
                                "1",
                                "shareable",
                                true,
                                "extensions",
                                List.of(
                                        extension("url", "CONNECTION_FIELD", true, false),
                                        extension("user", "CONNECTION_FIELD", true, false),
                                        extension("url", "PROCESS_PROPERTY", false, false)))));
        assertFieldError(response, "extensions[2].key");
        assertEquals(before, packages());
        assertEquals(0, count("SELECT count(*) FROM packaged_components WHERE component_id = '" + component + "'"));
    }

    @Test
    void rejectsInvalidPackagesAndCreatesNothing() {
        UUID component = fixtures.component(partner, "Validated", "PROCESS");
        String path = "/api/v1/components/" + component + "/packages";
        long before = packages();
        for (Object version : new Object[] {null, "", " ", "v".repeat(256)}) {
            assertFieldError(
                    assertProblem(400, api.post(path, token, obj("packageVersion", version, "shareable", true))),
                    "packageVersion");
        }
        assertFieldError(assertProblem(400, api.post(path, token, obj("packageVersion", "1"))), "shareable");
        assertFieldError(
                assertProblem(400, api.post(path, token, obj("packageVersion", "1", "shareable", "true"))),
                "shareable");
        assertFieldError(
                assertProblem(
                        400,
                        api.post(
                                path,
                                token,
                                obj("packageVersion", "1", "shareable", true, "notes", "n".repeat(10001)))),
                "notes");
        assertExtensionRefused(
                path, obj("key", "k", "kind", "MAGIC", "required", true, "secret", false), "extensions.kind");
        assertExtensionRefused(
                path, obj("key", "k", "kind", "CONNECTION_FIELD", "secret", false), "extensions[0].required");
        assertExtensionRefused(path, extension("k".repeat(256), "CONNECTION_FIELD", true, false), "extensions[0].key");
        assertExtensionRefused(path, extension("", "CONNECTION_FIELD", true, false), "extensions[0].key");
        ApiResponse nullElement = assertProblem(
                400, api.post(path, token, "{\"packageVersion\": \"1\", \"shareable\": true, \"extensions\": [null]}"));
        assertFieldError(nullElement, "extensions[0]");
        assertEquals(before, packages());

        ApiResponse longest = api.post(
                path,
                token,
                obj(
                        "packageVersion",
                        "v".repeat(255),
                        "shareable",
                        true,
                        "notes",
                        "n".repeat(10000),
                        "extensions",
                        List.of(extension("k".repeat(255), "CONNECTION_FIELD", true, false))));
        assertEquals(201, longest.status(), longest::toString);
    }

    @Test
    void aPackageDeclaresAtMost100ExtensionsWithDefaultsOfAtMost4096Characters() {
        UUID component = fixtures.component(partner, "Limited", "PROCESS");
        String path = "/api/v1/components/" + component + "/packages";
        long before = packages();
        ApiResponse tooMany = assertProblem(
                400,
                api.post(
                        path,
                        token,
                        obj(
                                "packageVersion",
                                "1",
                                "shareable",
                                true,
                                "extensions",
                                List.of(CatalogFixtures.extensions("k", 101, "PROCESS_PROPERTY", false, false)))));
        assertFieldError(tooMany, "extensions");
        assertTrue(tooMany.string("detail").contains("at most 100 extensions"), tooMany::toString);
        Map<String, Object> longDefault = extension("k", "PROCESS_PROPERTY", false, false);
        longDefault.put("defaultValue", "d".repeat(4097));
        ApiResponse tooLong = assertProblem(
                400,
                api.post(
                        path,
                        token,
                        obj("packageVersion", "1", "shareable", true, "extensions", List.of(longDefault))));
        assertFieldError(tooLong, "extensions[0].defaultValue");
        assertTrue(tooLong.string("detail").contains("at most 4096 characters"), tooLong::toString);
        assertEquals(before, packages());

        Map<String, Object>[] most = CatalogFixtures.extensions("k", 100, "PROCESS_PROPERTY", false, false);
        most[0].put("defaultValue", "d".repeat(4096));
        ApiResponse largest =
                api.post(path, token, obj("packageVersion", "1", "shareable", true, "extensions", List.of(most)));
        assertEquals(201, largest.status(), largest::toString);
        assertEquals(100, ((List<?>) largest.get("extensions")).size());
    }

    private void assertExtensionRefused(String path, Map<String, Object> extension, String field) {
        assertFieldError(
                assertProblem(
                        400,
                        api.post(
                                path,
                                token,
                                obj("packageVersion", "1", "shareable", true, "extensions", List.of(extension)))),
                field);
    }

    @Test
    void listsPackagesNewestFirstPageByPage() {
        UUID component = fixtures.component(partner, "Many versions", "PROCESS");
        List<String> created = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            created.add(fixtures.pkg(
                            partner,
                            component,
                            "1." + i,
                            i % 2 == 0,
                            extension("k" + i, "CONNECTION_FIELD", false, false))
                    .toString());
        }
        List<Map<String, Object>> listed = listAll("/api/v1/components/" + component + "/packages", token, 2);
        List<String> newestFirst = new ArrayList<>(created);
        Collections.reverse(newestFirst);
        assertEquals(newestFirst, ids(listed));
        assertEquals(
                List.of(obj(
                        "key",
                        "k5",
                        "kind",
                        "CONNECTION_FIELD",
                        "required",
                        false,
                        "secret",
                        false,
                        "defaultValue",
                        null)),
                listed.get(0).get("extensions"));
        String ascendingToken = api.get("/api/v1/components?limit=1", token).string("nextPageToken");
        assertNotNull(ascendingToken);
        assertFieldError(
                assertProblem(
                        400,
                        api.get("/api/v1/components/" + component + "/packages?pageToken=" + ascendingToken, token)),
                "pageToken");
    }

    @Test
    void aPageOfLargePackagesStopsAtAbout1MBAndPagingYieldsEveryPackageOnce() {
        UUID component = fixtures.component(partner, "Heavily extensible", "PROCESS");
        // 12 packages of 100 extensions with 4,000-character defaults (about 410 kB each) and one of
        // 300 (about 1.2 MB, more than a page holds): 6 MB in all
        fixtures.exec("""
                INSERT INTO packaged_components (id, component_id, package_version, shareable, notes, created_at)
                SELECT gen_random_uuid(), ?, 'v' || n, true, repeat('n', 1000), now()
                FROM generate_series(1, 13) n""", component);
        fixtures.exec("""
                INSERT INTO package_extensions (packaged_component_id, key, kind, required, secret, default_value)
                SELECT pc.id, 'key.' || k, 'PROCESS_PROPERTY', false, false, repeat('d', 4000)
                FROM packaged_components pc
                CROSS JOIN generate_series(1, 300) k
                WHERE pc.component_id = ? AND (k <= 100 OR pc.package_version = 'v7')""", component);
        List<String> newestFirst = fixtures.column(
                "SELECT id FROM packaged_components WHERE component_id = '" + component + "' ORDER BY id DESC");

        List<ApiResponse> pages = pagesWithinBudget("/api/v1/components/" + component + "/packages", token, 500);

        assertEquals(newestFirst, itemIds(pages, "id"), "every package exactly once, in order");
        assertTrue(pages.size() >= 6, () -> pages.size() + " pages");
        assertTrue(pages.stream().anyMatch(page -> page.items().size() == 2), "a page holds as many as fit");
        assertNotNull(pages.get(0).get("nextPageToken"), "a page full by size is not the last");
        for (ApiResponse page : pages) {
            for (Map<String, Object> pkg : page.items()) {
                int declared = "v7".equals(pkg.get("packageVersion")) ? 300 : 100;
                assertEquals(declared, ((List<?>) pkg.get("extensions")).size());
            }
        }
        assertTrue(
                pages.stream()
                        .anyMatch(page -> page.items().size() == 1
                                && "v7".equals(page.items().get(0).get("packageVersion"))),
                "a package larger than the budget comes on a page of its own");
    }

    @Test
    void packagesOfUnknownComponentsAreNotFound() {
        long before = packages();
        assertProblem(
                404,
                api.post(
                        "/api/v1/components/" + UUID.randomUUID() + "/packages",
                        token,
                        obj("packageVersion", "1", "shareable", true)));
        assertProblem(404, api.get("/api/v1/components/" + UUID.randomUUID() + "/packages", token));
        UUID component = fixtures.component(partner, "Lonely", "PROCESS");
        UUID otherComponent = fixtures.component(partner, "Neighbour", "PROCESS");
        UUID pkg = fixtures.pkg(partner, otherComponent, "1", true);
        assertProblem(404, api.get("/api/v1/components/" + component + "/packages/" + pkg, token));
        assertEquals(before + 1, packages());
    }

    // --- idempotency ---

    @Test
    void createsAreIdempotent() {
        Map<String, String> key = Map.of("Idempotency-Key", "component-" + UUID.randomUUID());
        Map<String, Object> body = obj("name", "Once", "type", "API_SERVICE");
        long before = components();
        ApiResponse first = api.post("/api/v1/components", token, body, key);
        ApiResponse retry = api.post("/api/v1/components", token, body, key);
        assertEquals(201, first.status(), first::toString);
        assertEquals(201, retry.status(), retry::toString);
        assertEquals(first.body(), retry.body());
        assertEquals(before + 1, components());
        assertProblem(409, api.post("/api/v1/components", token, obj("name", "Twice", "type", "API_SERVICE"), key));
        assertEquals(before + 1, components());

        String path = "/api/v1/components/" + first.string("id") + "/packages";
        Map<String, String> pkgKey = Map.of("Idempotency-Key", "package-" + UUID.randomUUID());
        Map<String, Object> pkgBody = obj("packageVersion", "1", "shareable", true);
        long packagesBefore = packages();
        ApiResponse pkg = api.post(path, token, pkgBody, pkgKey);
        ApiResponse pkgRetry = api.post(path, token, pkgBody, pkgKey);
        assertEquals(201, pkg.status(), pkg::toString);
        assertEquals(201, pkgRetry.status(), pkgRetry::toString);
        assertEquals(pkg.body(), pkgRetry.body());
        assertEquals(pkg.headers().firstValue("location"), pkgRetry.headers().firstValue("location"));
        assertEquals(packagesBefore + 1, packages());
    }

    private static List<String> ids(List<Map<String, Object>> items) {
        return items.stream().map(item -> (String) item.get("id")).toList();
    }
}
