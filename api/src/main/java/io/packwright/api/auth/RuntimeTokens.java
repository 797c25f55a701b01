package io.packwright.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Runtime tokens: {@code pwrt_} and 256 random bits in base64url. Only their SHA-256 is stored; the
 * token itself is shown once, to whoever created the runtime.
 */
public final class RuntimeTokens {

    /** What every runtime token starts with. */
    public static final String PREFIX = "pwrt_";

    private static final int RANDOM_BYTES = 32;

    /** The length of a token: the prefix and 43 base64url characters. */
    static final int LENGTH = PREFIX.length() + 43;

    private static final SecureRandom RANDOM = new SecureRandom();

    private RuntimeTokens() {}

    /** A new random token. */
    public static String generate() {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Whether {@code token} has the shape of a runtime token (it may still be unknown). */
    public static boolean isRuntimeToken(String token) {
        return token.length() == LENGTH && token.startsWith(PREFIX);
    }

    /** What is stored of {@code token}. */
    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
