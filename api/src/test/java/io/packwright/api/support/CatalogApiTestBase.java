package io.packwright.api.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * An {@link ApiTestBase} on a free port instead of the configured 8080 (which collides with any
 * other test run or api on the same machine; the management endpoints follow the server port), with
 * {@link CatalogFixtures} and list and validation assertions at hand.
 */
public abstract class CatalogApiTestBase extends ApiTestBase {

    protected CatalogFixtures fixtures;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("micronaut.server.port", String.valueOf(freePort()));
        return properties;
    }

    @BeforeAll
    void catalogFixtures() {
        fixtures = new CatalogFixtures(api, database);
    }

    /** Every item of a list, read page by page with {@code pageSize}. */
    protected List<Map<String, Object>> listAll(String path, String token, int pageSize) {
        List<Map<String, Object>> all = new ArrayList<>();
        String pageToken = null;
        do {
            ApiResponse page =
                    api.get(path + "?limit=" + pageSize + (pageToken == null ? "" : "&pageToken=" + pageToken), token);
            assertEquals(200, page.status(), page::toString);
            assertTrue(page.items().size() <= pageSize, page::toString);
            all.addAll(page.items());
            pageToken = (String) page.get("nextPageToken");
        } while (pageToken != null);
        return all;
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
