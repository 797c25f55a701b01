package io.packwright.api.console;

import io.packwright.api.support.CatalogApiTestBase;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** A console test: the API test's server with the development sign-in and a fixed session secret. */
abstract class ConsoleTestBase extends CatalogApiTestBase {

    @Override
    public Map<String, String> getProperties() {
        return withConsole(super.getProperties());
    }

    /** A test server's settings with the console's: the development sign-in and a fixed session secret. */
    static Map<String, String> withConsole(Map<String, String> settings) {
        Map<String, String> properties = new HashMap<>(settings);
        properties.put("packwright.console.dev-sign-in", "true");
        properties.put("packwright.console.session-secret", Base64.getEncoder().encodeToString(new byte[32]));
        return properties;
    }
}
