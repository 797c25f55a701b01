package io.packwright.api.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.temporal.TestTemporalServer;
import io.packwright.api.paging.PageRequest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * An API test: the real HTTP server on a random port, over a fresh database of the shared embedded
 * PostgreSQL (migrated by Flyway at start-up) and the shared Temporal test server, called with
 * real signed JWTs.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ApiTestBase implements TestPropertyProvider {

    protected final TestDatabase database = TestDatabases.create();

    @Inject
    protected EmbeddedServer server;

    @Inject
    protected JsonMapper json;

    protected ApiClient api;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(database.micronautProperties());
        properties.put("temporal.address", TestTemporalServer.shared().address());
        return properties;
    }

    @BeforeAll
    void connectClient() {
        api = new ApiClient(server.getURI(), json);
    }

    /** Creates a partner as a platform operator and returns its id. */
    protected UUID createPartner(String name, boolean packManagement, boolean multiInstall) {
        ApiResponse response = api.post(
                "/api/v1/accounts",
                Tokens.admin(),
                ApiClient.obj(
                        "name",
                        name,
                        "type",
                        "PARTNER",
                        "timeZone",
                        "Europe/Berlin",
                        "features",
                        ApiClient.obj(
                                "integrationPackManagement", packManagement,
                                "multiInstallIntegrationPacks", multiInstall)));
        assertEquals(201, response.status(), response::toString);
        return UUID.fromString(response.string("id"));
    }

    /** Creates a managed account of {@code partner} and returns its id. */
    protected UUID createManaged(UUID partner, String name) {
        ApiResponse response =
                api.post("/api/v1/accounts", Tokens.account(partner), ApiClient.obj("name", name, "type", "MANAGED"));
        assertEquals(201, response.status(), response::toString);
        return UUID.fromString(response.string("id"));
    }

    /** Asserts a problem+json error with this status, returning it for further checks. */
    protected static ApiResponse assertProblem(int status, ApiResponse response) {
        assertEquals(status, response.status(), response::toString);
        assertTrue(response.contentType().startsWith("application/problem+json"), response::contentType);
        assertEquals(status, ((Number) response.get("status")).intValue());
        assertTrue(response.string("type").startsWith("urn:packwright:problem:"), response::toString);
        assertTrue(response.string("title") != null && !response.string("title").isBlank(), response::toString);
        String detail = response.string("detail");
        assertTrue(detail != null && detail.length() > 10, response::toString);
        assertTrue(
                !detail.contains("Exception") && !detail.contains("io.packwright") && !detail.contains("SQL"),
                () -> "detail leaks internals: " + detail);
        return response;
    }

    /** Every item of a list, read page by page with {@code pageSize} (see {@link #pagesWithinBudget}). */
    protected List<Map<String, Object>> listAll(String path, String token, int pageSize) {
        return pagesWithinBudget(path, token, pageSize).stream()
                .flatMap(page -> page.items().stream())
                .toList();
    }

    /**
     * Every page of a list, read with {@code pageSize}; each must hold at most {@code pageSize} items
     * and, unless it holds a single item, at most {@link PageRequest#MAX_PAGE_BYTES} of body.
     */
    protected List<ApiResponse> pagesWithinBudget(String path, String token, int pageSize) {
        List<ApiResponse> pages = new ArrayList<>();
        String pageToken = null;
        do {
            String separator = path.contains("?") ? "&" : "?";
            ApiResponse page = api.get(
                    path + separator + "limit=" + pageSize + (pageToken == null ? "" : "&pageToken=" + pageToken),
                    token);
            assertEquals(
                    200,
                    page.status(),
                    () -> page.status() + " "
                            + page.raw().substring(0, Math.min(page.raw().length(), 500)));
            assertTrue(page.items().size() <= pageSize, () -> page.items().size() + " items");
            int bytes = page.raw().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(
                    page.items().size() == 1 || bytes <= PageRequest.MAX_PAGE_BYTES,
                    () -> page.items().size() + " items in " + bytes + " bytes");
            pages.add(page);
            pageToken = (String) page.get("nextPageToken");
        } while (pageToken != null);
        return pages;
    }

    /** The {@code id} field of every item of these pages, in order. */
    protected static List<Object> itemIds(List<ApiResponse> pages, String idField) {
        return pages.stream()
                .flatMap(page -> page.items().stream())
                .map(item -> item.get(idField))
                .toList();
    }

    /**
     * Asserts that {@code detail} names the first ten of {@code total} keys {@code prefix01}, {@code
     * prefix02}, … and then says how many more there are, without naming them.
     */
    protected static void assertNamesTenKeysAndCountsTheRest(String detail, String prefix, int total) {
        for (int i = 1; i <= total; i++) {
            String key = prefix + String.format("%02d", i);
            assertEquals(i <= 10, detail.contains(key), () -> key + " in: " + detail);
        }
        assertTrue(detail.contains("… and " + (total - 10) + " more"), detail);
    }

    /** Asserts that a 400 problem names {@code field} with a message. */
    @SuppressWarnings("unchecked")
    protected static void assertFieldError(ApiResponse problem, String field) {
        List<Map<String, Object>> errors = (List<Map<String, Object>>) problem.get("errors");
        assertNotNull(errors, () -> "no field errors in " + problem);
        assertTrue(
                errors.stream()
                        .anyMatch(error -> field.equals(error.get("field"))
                                && error.get("message") instanceof String message
                                && !message.isBlank()),
                () -> "no error for field " + field + " in " + problem);
    }

    /** A single number from SQL, to check what a request did (or did not) change. */
    protected long count(String sql) {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
