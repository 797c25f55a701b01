package io.packwright.activities.config;

import io.packwright.activities.secrets.SecretCipher;
import java.util.Set;

/**
 * Values of the secret settings that anyone can read: the development defaults in this source code
 * and the placeholders of the example deployment files ({@code deploy/k8s/secret.example.yaml}).
 * Outside {@link DevelopmentMode} no process starts on one of them, so a deployment that copied an
 * example or forgot a setting fails at start-up instead of running on a public key.
 */
public final class PublicSecrets {

    /**
     * The HS256 secret the api verifies tokens with when {@code PACKWRIGHT_JWT_SECRET} is unset,
     * and that the embedded stack signs its printed tokens with.
     */
    public static final String DEVELOPMENT_JWT_SECRET = "packwright-dev-secret-change-me-0123456789abcdef";

    /** Public values of {@code PACKWRIGHT_JWT_SECRET}. */
    public static final Set<String> JWT_SECRETS =
            Set.of(DEVELOPMENT_JWT_SECRET, "change-me-to-at-least-32-random-bytes");

    /** Public values of {@code PACKWRIGHT_SECRETS_KEY}. */
    public static final Set<String> SECRETS_KEYS = Set.of(SecretCipher.DEVELOPMENT_KEY, "change-me");

    private PublicSecrets() {}

    /** Whether {@code secret} is a public value of {@code PACKWRIGHT_JWT_SECRET}. */
    public static boolean isPublicJwtSecret(String secret) {
        return JWT_SECRETS.contains(secret.trim());
    }

    /** Whether {@code key} is a public value of {@code PACKWRIGHT_SECRETS_KEY}. */
    public static boolean isPublicSecretsKey(String key) {
        return SECRETS_KEYS.contains(key.trim());
    }
}
