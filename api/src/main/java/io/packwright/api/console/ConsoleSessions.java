package io.packwright.api.console;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.security.authentication.Authentication;
import io.packwright.activities.config.DevelopmentMode;
import io.packwright.api.auth.Caller;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's signed cookies: the session ({@value #SESSION_COOKIE}: who signed in, until when) and
 * the CSRF nonce ({@value #CSRF_COOKIE}), whose HMAC is the token every state-changing request must
 * carry in {@value #CSRF_HEADER}. Both are {@code HttpOnly}, limited to {@code /console}, and {@code
 * Secure} when the request came over https. Nothing is stored on the server: a session is its cookie,
 * verified with the HMAC key of {@link ConsoleProperties#sessionSecret()}.
 *
 * <p>The session authenticates the console's pages only; the API under {@code /api} never reads it,
 * so a page of another site cannot drive the API with the browser's cookie.
 */
@Context
public class ConsoleSessions {

    public static final String SESSION_COOKIE = "pw_console";
    public static final String CSRF_COOKIE = "pw_csrf";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSessions.class);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MIN_KEY_BYTES = 32;
    private static final int MAX_COOKIE_CHARS = 512;

    private final SecretKeySpec key;
    private final Duration ttl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * Checked at start-up: the development sign-in only in development mode, a session secret of
     * base64 and at least 32 bytes when one is set.
     */
    ConsoleSessions(ConsoleProperties properties, DevelopmentMode developmentMode, Clock clock) {
        if (properties.devSignIn() && !developmentMode.developmentMode()) {
            throw new ConfigurationException(
                    "packwright.console.dev-sign-in (PACKWRIGHT_CONSOLE_DEV_SIGN_IN) lets anyone"
                            + " act as any account: it is refused unless PACKWRIGHT_DEVELOPMENT_MODE=true");
        }
        this.key = new SecretKeySpec(keyBytes(properties.sessionSecret()), "HmacSHA256");
        this.ttl = properties.sessionTtl();
        this.clock = clock;
    }

    private byte[] keyBytes(@Nullable String secret) {
        if (secret == null || secret.isBlank()) {
            LOG.warn("packwright.console.session-secret (PACKWRIGHT_CONSOLE_SESSION_SECRET) is not set: this api"
                    + " process signs console sessions with a key of its own, so they end when it stops and do not"
                    + " work across replicas");
            byte[] bytes = new byte[MIN_KEY_BYTES];
            random.nextBytes(bytes);
            return bytes;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(secret.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(
                    "packwright.console.session-secret (PACKWRIGHT_CONSOLE_SESSION_SECRET) must be base64");
        }
        if (bytes.length < MIN_KEY_BYTES) {
            throw new ConfigurationException("packwright.console.session-secret (PACKWRIGHT_CONSOLE_SESSION_SECRET)"
                    + " must hold at least " + MIN_KEY_BYTES + " bytes, not " + bytes.length);
        }
        return bytes;
    }

    /** A session cookie for the subject ({@code admin} or an account id) from now. */
    public Cookie sessionCookie(HttpRequest<?> request, String subject) {
        Instant expires = clock.instant().plus(ttl);
        String payload = subject + "|" + expires.getEpochSecond() + "|" + nonce();
        String value =
                ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + sign("session|" + payload);
        return cookie(request, SESSION_COOKIE, value, SameSite.Lax).maxAge(ttl);
    }

    /** A cookie that ends the session in the browser. */
    public Cookie endedSession(HttpRequest<?> request) {
        return cookie(request, SESSION_COOKIE, "", SameSite.Lax).maxAge(0);
    }

    /** Who the request's session cookie signed in, if it is genuine and not expired. */
    public Optional<Authentication> authentication(HttpRequest<?> request) {
        return request.getCookies().findCookie(SESSION_COOKIE).flatMap(cookie -> verify(cookie.getValue()));
    }

    /** Who a session cookie's value signed in, if it is genuine and not expired. */
    Optional<Authentication> verify(@Nullable String value) {
        if (value == null || value.length() > MAX_COOKIE_CHARS) {
            return Optional.empty();
        }
        int dot = value.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String payload;
        try {
            payload = new String(DECODER.decode(value.substring(0, dot)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!matches(sign("session|" + payload), value.substring(dot + 1))) {
            return Optional.empty();
        }
        String[] parts = payload.split("\\|", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        long expires;
        try {
            expires = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (clock.instant().getEpochSecond() >= expires) {
            return Optional.empty();
        }
        String subject = parts[0];
        List<String> roles = Caller.ADMIN_SUBJECT.equals(subject) ? List.of(Caller.ADMIN_ROLE) : List.of();
        return Optional.of(Authentication.build(subject, roles));
    }

    /** A fresh CSRF nonce for {@value #CSRF_COOKIE}. */
    public String newCsrfNonce() {
        return nonce();
    }

    /** The CSRF cookie holding {@code nonce}, for the browser's session. */
    public Cookie csrfCookie(HttpRequest<?> request, String nonce) {
        return cookie(request, CSRF_COOKIE, nonce, SameSite.Strict);
    }

    /** The token that pages put in {@value #CSRF_HEADER} for the nonce of {@value #CSRF_COOKIE}. */
    public String csrfToken(String nonce) {
        return sign("csrf|" + nonce);
    }

    /** Whether the request carries the CSRF token of its own CSRF cookie. */
    public boolean csrfValid(HttpRequest<?> request) {
        Optional<String> nonce = request.getCookies().findCookie(CSRF_COOKIE).map(Cookie::getValue);
        String token = request.getHeaders().get(CSRF_HEADER);
        return nonce.isPresent()
                && !nonce.get().isEmpty()
                && nonce.get().length() <= MAX_COOKIE_CHARS
                && token != null
                && matches(csrfToken(nonce.get()), token);
    }

    private Cookie cookie(HttpRequest<?> request, String name, String value, SameSite sameSite) {
        return Cookie.of(name, value)
                .path(ConsolePaths.ROOT)
                .httpOnly(true)
                .sameSite(sameSite)
                .secure(overHttps(request));
    }

    /** Whether the browser reached us over https, directly or through a proxy that says so. */
    static boolean overHttps(HttpRequest<?> request) {
        return request.isSecure()
                || "https".equalsIgnoreCase(request.getHeaders().get("X-Forwarded-Proto"));
    }

    private String nonce() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    private String sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return ENCODER.encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static boolean matches(String expected, String actual) {
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }
}
