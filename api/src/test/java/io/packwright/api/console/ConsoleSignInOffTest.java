package io.packwright.api.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiTestBase;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without {@code packwright.console.dev-sign-in} the console lists no account and signs in nobody. */
class ConsoleSignInOffTest extends ApiTestBase {

    @Test
    void theDevelopmentSignInIsOffByDefault() {
        String partner = createPartner("Unlisted Partner", true, false).toString();
        ConsoleBrowser browser = new ConsoleBrowser(server.getURI());
        HttpResponse<String> page = browser.get("/console/sign-in");
        assertEquals(200, page.statusCode());
        assertFalse(page.body().contains("Unlisted Partner"), page::body);
        assertTrue(page.body().contains("No sign-in is configured"), page::body);

        HttpResponse<String> refused = browser.post("/console/sign-in/dev", Map.of("subject", partner));
        assertEquals(404, refused.statusCode());
        assertFalse(browser.cookies.containsKey(ConsoleSessions.SESSION_COOKIE));
    }
}
