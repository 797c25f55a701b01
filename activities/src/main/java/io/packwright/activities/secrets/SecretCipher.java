package io.packwright.activities.secrets;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.packwright.activities.config.DevelopmentMode;
import io.packwright.activities.config.PublicSecrets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the values of secret extensions at rest: AES-256-GCM with a random 96-bit IV per value,
 * the value's owner (instance and key) bound as associated data so that a ciphertext cannot be
 * moved to another instance or key. A stored value is {@code version(1) || iv(12) ||
 * ciphertext+tag}.
 *
 * <p>The key is {@code packwright.secrets.key} (environment variable {@code
 * PACKWRIGHT_SECRETS_KEY}): the base64 of 32 random bytes. Without it, a development key that is
 * public in this source file is used: never run production on it. A malformed key fails the start
 * of the application ({@link Context}), and no message ever contains the key or a value.
 */
@Context
public class SecretCipher {

    /** The development key: base64 of {@code packwright-dev-only-secrets-key!}. Public; development only. */
    public static final String DEVELOPMENT_KEY = "cGFja3dyaWdodC1kZXYtb25seS1zZWNyZXRzLWtleSE=";

    private static final byte VERSION = 1;
    private static final String HMAC = "HmacSHA256";
    private static final byte[] FINGERPRINT_LABEL =
            "packwright request fingerprint v1".getBytes(StandardCharsets.UTF_8);
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecretKeySpec fingerprintKey;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(
            @Value("${packwright.secrets.key:" + DEVELOPMENT_KEY + "}") String base64Key,
            DevelopmentMode developmentMode) {
        developmentMode.requireProductionValue("PACKWRIGHT_SECRETS_KEY", PublicSecrets.isPublicSecretsKey(base64Key));
        byte[] bytes;
        try {
            bytes = java.util.Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalStateException(
                    "packwright.secrets.key (PACKWRIGHT_SECRETS_KEY) must be the base64 of 32 random bytes;"
                            + " it is not valid base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("packwright.secrets.key (PACKWRIGHT_SECRETS_KEY) must be the base64 of"
                    + " 32 random bytes; it decodes to " + bytes.length + " bytes");
        }
        this.key = new SecretKeySpec(bytes, "AES");
        // a key of its own for fingerprints, derived from the master key, never the AES key itself
        this.fingerprintKey = new SecretKeySpec(hmac(new SecretKeySpec(bytes, HMAC), FINGERPRINT_LABEL), HMAC);
    }

    /**
     * A keyed fingerprint (HMAC-SHA256) of {@code data}, hex-encoded: equal for equal data, but,
     * unlike a plain hash, useless for guessing secret values inside {@code data} without the key.
     * For stored digests of requests that may carry secret values (idempotency keys).
     */
    public String fingerprint(byte[] data) {
        return HexFormat.of().formatHex(hmac(fingerprintKey, data));
    }

    private static byte[] hmac(SecretKeySpec macKey, byte[] data) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(macKey);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    /** Encrypts {@code value}, owned by {@code owner} (for instance {@code instanceId/key}). */
    public byte[] encrypt(String owner, String value) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + IV_BYTES + sealed.length)
                    .put(VERSION)
                    .put(iv)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not encrypt a secret value", e);
        }
    }

    /** Decrypts a value that {@link #encrypt} made for the same {@code owner}. */
    public String decrypt(String owner, byte[] stored) {
        if (stored.length < 1 + IV_BYTES + TAG_BITS / 8 || stored[0] != VERSION) {
            throw new IllegalStateException("not a secret value of this format");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 1, IV_BYTES));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(stored, 1 + IV_BYTES, stored.length - 1 - IV_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not decrypt a secret value (wrong key or tampered value)");
        }
    }
}
