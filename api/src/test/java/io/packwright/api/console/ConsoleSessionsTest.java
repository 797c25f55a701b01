package io.packwright.api.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.packwright.activities.config.DevelopmentMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console's signed cookies and what their settings refuse at start-up. */
class ConsoleSessionsTest {

    private static final String SECRET = Base64.getEncoder().encodeToString(new byte[32]);
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    private static ConsoleSessions sessions(Instant now, String secret) {
        return new ConsoleSessions(
                new ConsoleProperties(false, secret, Duration.ofHours(8)),
                new DevelopmentMode(false),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void theDevelopmentSignInIsRefusedOutsideDevelopmentMode() {
        ConfigurationException refused = assertThrows(
                ConfigurationException.class,
                () -> new ConsoleSessions(
                        new ConsoleProperties(true, SECRET, Duration.ofHours(8)),
                        new DevelopmentMode(false),
                        Clock.systemUTC()));
        assertTrue(refused.getMessage().contains("PACKWRIGHT_DEVELOPMENT_MODE=true"), refused::getMessage);
        new ConsoleSessions(
                new ConsoleProperties(true, SECRET, Duration.ofHours(8)), new DevelopmentMode(true), Clock.systemUTC());
    }

    @Test
    void aSessionSecretMustBeBase64OfThirtyTwoBytes() {
        assertThrows(ConfigurationException.class, () -> sessions(NOW, "not base64!"));
        assertThrows(
                ConfigurationException.class,
                () -> sessions(NOW, Base64.getEncoder().encodeToString(new byte[16])));
    }

    @Test
    void aSessionHoldsItsSubjectUntilItExpiresAndOnlyUnderItsKey() {
        HttpRequest<?> signIn = HttpRequest.GET("/console/sign-in");
        Cookie cookie = sessions(NOW, SECRET).sessionCookie(signIn, "admin");
        String later = cookie.getValue();

        var authentication = sessions(NOW.plus(Duration.ofHours(7)), SECRET).verify(later);
        assertTrue(authentication.isPresent());
        assertEquals("admin", authentication.get().getName());
        assertEquals(List.of("ADMIN"), List.copyOf(authentication.get().getRoles()));

        assertFalse(
                sessions(NOW.plus(Duration.ofHours(8)), SECRET).verify(later).isPresent(), "expired");
        String otherKey = Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
            30, 31, 32
        });
        assertFalse(sessions(NOW, otherKey).verify(later).isPresent(), "signed with another key");
    }
}
