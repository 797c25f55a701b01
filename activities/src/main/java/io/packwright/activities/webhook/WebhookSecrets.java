package io.packwright.activities.webhook;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * The signing secrets of webhook endpoints, per Standard Webhooks: {@code whsec_} and the base64 of
 * 32 random bytes, the HMAC-SHA256 key being those bytes. A secret is stored only encrypted with
 * {@link io.packwright.activities.secrets.SecretCipher}, bound to its endpoint by {@link #owner}; the
 * current and the previous secret of an endpoint share that owner, so that a rotation moves the
 * current one into {@code previous_secret} without decrypting it.
 */
public final class WebhookSecrets {

    /** How every secret starts. */
    public static final String PREFIX = "whsec_";

    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSecrets() {}

    /** A new secret: {@code whsec_} and the base64 of 32 random bytes. */
    public static String generate() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The associated data that binds an encrypted secret (current or previous) to its endpoint. */
    public static String owner(UUID endpointId) {
        return "webhook-endpoint/" + endpointId;
    }
}
