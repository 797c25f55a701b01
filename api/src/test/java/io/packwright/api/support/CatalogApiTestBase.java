package io.packwright.api.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * An {@link ApiTestBase} on a free port instead of the configured 8080 (which collides with any
 * other test run or api on the same machine; the management endpoints follow the server port), with
 * {@link CatalogFixtures} at hand.
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
