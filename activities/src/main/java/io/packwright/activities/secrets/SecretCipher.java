package io.packwright.activities.secrets;

import io.micronaut.context.annotation.Context;
import io.packwright.activities.config.DevelopmentMode;
import io.packwright.activities.config.PublicSecrets;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secret extension values at rest: AES-256-GCM with a random 96-bit IV per value, the
 * value's owner (for instance instance and key) bound as associated data so that a ciphertext
 * cannot be moved to another owner.
 *
 * <p>A stored value is {@code version(2) || keyId(4) || iv(12) || ciphertext+tag}, the version and
 * key id bound as associated data too. The key id is the first four bytes of an HMAC-SHA256 of a
 * fixed label under the key, so it names the key without revealing it and needs no configuration.
 * Values of version 1 ({@code version(1) || iv(12) || ciphertext+tag}, written before key ids
 * existed) still decrypt: each configured key is tried.
 *
 * <p>Keys rotate without downtime: {@code packwright.secrets.key} ({@code PACKWRIGHT_SECRETS_KEY})
 * encrypts, and {@code packwright.secrets.previous-keys} ({@code PACKWRIGHT_SECRETS_PREVIOUS_KEYS})
 * only decrypt; the worker's secret sweep rewrites what is stored under a previous key. Without a
 * key, a development key that is public in this source file is used: never run production on it.
 * A malformed key fails the start of the application ({@link Context}), and no message ever
 * contains a key or a value.
 */
@Context
public class SecretCipher {

    /** The development key: base64 of {@code packwright-dev-only-secrets-key!}. Public; development only. */
    public static final String DEVELOPMENT_KEY = "cGFja3dyaWdodC1kZXYtb25seS1zZWNyZXRzLWtleSE=";

    /** How many leading bytes of a stored value say which key encrypted it: version and key id. */
    public static final int HEADER_BYTES = 5;

    private static final byte VERSION_WITHOUT_KEY_ID = 1;
    private static final byte VERSION = 2;
    private static final String HMAC = "HmacSHA256";
    private static final byte[] FINGERPRINT_LABEL =
            "packwright request fingerprint v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEY_ID_LABEL = "packwright secrets key id v1".getBytes(StandardCharsets.UTF_8);
    private static final int KEY_ID_BYTES = HEADER_BYTES - 1;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Key current;
    // every configured key by id, the current one first
    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * The application's cipher: outside development mode it refuses to start on a public
     * development or example key.
     */
    @Inject
    public SecretCipher(SecretsProperties properties, DevelopmentMode developmentMode) {
        this(productionKey(properties.key(), developmentMode), properties.previousKeys());
    }

    private static String productionKey(String base64Key, DevelopmentMode developmentMode) {
        developmentMode.requireProductionValue("PACKWRIGHT_SECRETS_KEY", PublicSecrets.isPublicSecretsKey(base64Key));
        return base64Key;
    }

    /**
     * @param base64Key the current key
     * @param previousBase64Keys keys that only decrypt
     * @throws IllegalStateException when a key is not the base64 of 32 bytes, or two keys share an id
     */
    public SecretCipher(String base64Key, List<String> previousBase64Keys) {
        this.current = Key.of(decode(base64Key, "packwright.secrets.key (PACKWRIGHT_SECRETS_KEY)"));
        keys.put(current.id(), current);
        for (int i = 0; i < previousBase64Keys.size(); i++) {
            Key previous = Key.of(decode(
                    previousBase64Keys.get(i),
                    "entry " + (i + 1) + " of packwright.secrets.previous-keys (PACKWRIGHT_SECRETS_PREVIOUS_KEYS)"));
            Key known = keys.putIfAbsent(previous.id(), previous);
            if (known != null
                    && !Arrays.equals(known.aes().getEncoded(), previous.aes().getEncoded())) {
                throw new IllegalStateException(
                        "two configured secrets keys have the same key id " + previous.id() + "; generate another key");
            }
        }
    }

    /** A cipher with the current key only. */
    public SecretCipher(String base64Key) {
        this(base64Key, List.of());
    }

    private static byte[] decode(String base64Key, String setting) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalStateException(setting + " must be the base64 of 32 random bytes; it is not valid base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(
                    setting + " must be the base64 of 32 random bytes; it decodes to " + bytes.length + " bytes");
        }
        return bytes;
    }

    /** The id of the current key, in hex: safe to log. */
    public String currentKeyId() {
        return current.id();
    }

    /**
     * The first {@link #HEADER_BYTES} bytes of every value that {@link #encrypt} writes now: a stored
     * value that starts otherwise is encrypted under a previous key (or without a key id).
     */
    public byte[] currentHeader() {
        return current.header();
    }

    /** Whether {@code stored} is encrypted under the current key in the current format. */
    public boolean isCurrent(byte[] stored) {
        return stored.length >= HEADER_BYTES
                && Arrays.equals(stored, 0, HEADER_BYTES, current.header(), 0, HEADER_BYTES);
    }

    /**
     * The id of the key that {@code stored} is encrypted under, in hex, or {@code "none"} for a value
     * of version 1: safe to log.
     */
    public static String keyIdOf(byte[] stored) {
        if (stored.length >= HEADER_BYTES && stored[0] == VERSION) {
            return HexFormat.of().formatHex(stored, 1, HEADER_BYTES);
        }
        return "none";
    }

    /**
     * A keyed fingerprint (HMAC-SHA256) of {@code data} under the current key, hex-encoded: equal for
     * equal data, but, unlike a plain hash, useless for guessing secret values inside {@code data}
     * without the key. For stored digests of requests that may carry secret values (idempotency keys).
     */
    public String fingerprint(byte[] data) {
        return current.fingerprint(data);
    }

    /**
     * Whether {@code fingerprint} is the {@link #fingerprint} of {@code data} under the current or a
     * previous key, so that a fingerprint stored before a key rotation still matches.
     */
    public boolean fingerprintMatches(byte[] data, String fingerprint) {
        byte[] expected = fingerprint.getBytes(StandardCharsets.US_ASCII);
        boolean matches = false;
        for (Key key : keys.values()) {
            matches |= MessageDigest.isEqual(expected, key.fingerprint(data).getBytes(StandardCharsets.US_ASCII));
        }
        return matches;
    }

    /** Encrypts {@code value}, owned by {@code owner} (for instance {@code instanceId/key}), under the current key. */
    public byte[] encrypt(String owner, String value) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.aes(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(current.header());
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(HEADER_BYTES + IV_BYTES + sealed.length)
                    .put(current.header())
                    .put(iv)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not encrypt a secret value", e);
        }
    }

    /**
     * Decrypts a value that {@link #encrypt} made for the same {@code owner} under the current or a
     * previous key, or a value of version 1 under any configured key.
     *
     * @throws IllegalStateException when no configured key decrypts it (the message names the key id,
     *     never the value)
     */
    public String decrypt(String owner, byte[] stored) {
        if (stored.length >= HEADER_BYTES + IV_BYTES + TAG_BITS / 8 && stored[0] == VERSION) {
            Key key = keys.get(keyIdOf(stored));
            if (key == null) {
                throw new IllegalStateException("a secret value is encrypted under key id " + keyIdOf(stored)
                        + ", which is neither packwright.secrets.key nor one of packwright.secrets.previous-keys");
            }
            return open(key.aes(), owner, stored, HEADER_BYTES)
                    .orElseThrow(() -> new IllegalStateException(
                            "could not decrypt a secret value under key id " + key.id() + " (tampered value?)"));
        }
        if (stored.length >= 1 + IV_BYTES + TAG_BITS / 8 && stored[0] == VERSION_WITHOUT_KEY_ID) {
            for (Key key : keys.values()) {
                var plain = open(key.aes(), owner, stored, 1);
                if (plain.isPresent()) {
                    return plain.get();
                }
            }
            throw new IllegalStateException("no configured secrets key decrypts a secret value of version 1 (is the"
                    + " key that encrypted it missing from packwright.secrets.previous-keys?)");
        }
        throw new IllegalStateException("not a secret value of this format");
    }

    /** {@code stored} decrypted and encrypted again under the current key, for the same owner. */
    public byte[] reencrypt(String owner, byte[] stored) {
        return encrypt(owner, decrypt(owner, stored));
    }

    // The associated data is everything before the IV: the owner alone for version 1, the header
    // and the owner for version 2.
    private static Optional<String> open(SecretKey aes, String owner, byte[] stored, int ivOffset) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, aes, new GCMParameterSpec(TAG_BITS, stored, ivOffset, IV_BYTES));
            if (ivOffset == HEADER_BYTES) {
                cipher.updateAAD(stored, 0, HEADER_BYTES);
            }
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            int sealed = ivOffset + IV_BYTES;
            return Optional.of(
                    new String(cipher.doFinal(stored, sealed, stored.length - sealed), StandardCharsets.UTF_8));
        } catch (AEADBadTagException wrongKeyOrTampered) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not decrypt a secret value");
        }
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

    /** A configured key: its AES key, its id, the header of values under it, its fingerprint key. */
    private record Key(SecretKey aes, String id, byte[] header, SecretKeySpec fingerprintKey) {

        static Key of(byte[] bytes) {
            SecretKeySpec macKey = new SecretKeySpec(bytes, HMAC);
            byte[] id = Arrays.copyOf(hmac(macKey, KEY_ID_LABEL), KEY_ID_BYTES);
            byte[] header =
                    ByteBuffer.allocate(HEADER_BYTES).put(VERSION).put(id).array();
            // a key of its own for fingerprints, derived from the master key, never the AES key itself
            SecretKeySpec fingerprintKey = new SecretKeySpec(hmac(macKey, FINGERPRINT_LABEL), HMAC);
            return new Key(new SecretKeySpec(bytes, "AES"), HexFormat.of().formatHex(id), header, fingerprintKey);
        }

        String fingerprint(byte[] data) {
            return HexFormat.of().formatHex(hmac(fingerprintKey, data));
        }

        @Override
        public byte[] header() {
            return header.clone();
        }

        @Override
        public String toString() {
            return "Key[id=" + id + "]";
        }
    }
}
