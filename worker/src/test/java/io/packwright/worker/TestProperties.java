package io.packwright.worker;

import io.packwright.activities.store.TestDatabase;
import java.util.HashMap;
import java.util.Map;

/** Configuration that points a worker application context at test infrastructure. */
final class TestProperties {

    private TestProperties() {}

    /** A worker on {@code database} and the Temporal frontend at {@code temporalAddress}, HTTP on a free port. */
    static Map<String, Object> worker(TestDatabase database, String temporalAddress) {
        Map<String, Object> properties = new HashMap<>(database.micronautProperties());
        properties.put("micronaut.server.port", "-1");
        properties.put("temporal.address", temporalAddress);
        return properties;
    }
}
