package io.packwright.activities.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import io.packwright.activities.config.DevelopmentMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * AES-GCM of secret extension values: round trip, random IVs, owner binding, key validation, key ids
 * and rotation (previous keys, version-1 values), fingerprints across a rotation, configuration.
 */
class SecretCipherTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String NEW_KEY = key(7);
    private static final String OTHER_KEY = key(9);

    private static String key(int fill) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) fill);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void roundTripsWithAFreshIvEachTime() {
        SecretCipher cipher = new SecretCipher(KEY);
        byte[] first = cipher.encrypt("i/password", "hunter2");
        byte[] second = cipher.encrypt("i/password", "hunter2");
        assertFalse(java.util.Arrays.equals(first, second));
        assertFalse(new String(first, StandardCharsets.ISO_8859_1).contains("hunter2"));
        assertEquals("hunter2", cipher.decrypt("i/password", first));
        assertEquals("hunter2", cipher.decrypt("i/password", second));
    }

    @Test
    void aValueIsBoundToItsOwnerAndKey() {
        SecretCipher cipher = new SecretCipher(KEY);
        byte[] sealed = cipher.encrypt("i/password", "hunter2");
        IllegalStateException moved =
                assertThrows(IllegalStateException.class, () -> cipher.decrypt("j/password", sealed));
        assertFalse(moved.getMessage().contains("hunter2"));
        SecretCipher other = new SecretCipher(Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
            30, 31, 32
        }));
        assertThrows(IllegalStateException.class, () -> other.decrypt("i/password", sealed));
        assertArrayEquals(sealed, sealed.clone());
    }

    @Test
    void malformedKeysAreRefusedWithoutEchoingThem() {
        IllegalStateException notBase64 =
                assertThrows(IllegalStateException.class, () -> new SecretCipher("%%%not-base64"));
        assertFalse(notBase64.getMessage().contains("%%%not-base64"));
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        IllegalStateException tooShort = assertThrows(IllegalStateException.class, () -> new SecretCipher(shortKey));
        assertFalse(tooShort.getMessage().contains(shortKey));
        assertEquals(32, Base64.getDecoder().decode(SecretCipher.DEVELOPMENT_KEY).length);
    }

    @Test
    void fingerprintsAreKeyedAndStable() {
        SecretCipher one = new SecretCipher(SecretCipher.DEVELOPMENT_KEY);
        SecretCipher sameKey = new SecretCipher(SecretCipher.DEVELOPMENT_KEY);
        SecretCipher otherKey = new SecretCipher(java.util.Base64.getEncoder().encodeToString(new byte[32]));
        byte[] body = "{\"password\":\"hunter2\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertEquals(one.fingerprint(body), sameKey.fingerprint(body));
        assertNotEquals(one.fingerprint(body), otherKey.fingerprint(body));
        assertNotEquals(one.fingerprint(body), one.fingerprint("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(64, one.fingerprint(body).length());
    }

    @Test
    void valuesCarryTheIdOfTheirKey() {
        SecretCipher cipher = new SecretCipher(NEW_KEY);
        byte[] sealed = cipher.encrypt("i/password", "hunter2");
        assertEquals(2, sealed[0]);
        assertEquals(SecretCipher.HEADER_BYTES, cipher.currentHeader().length);
        assertArrayEquals(cipher.currentHeader(), Arrays.copyOf(sealed, SecretCipher.HEADER_BYTES));
        assertEquals(cipher.currentKeyId(), SecretCipher.keyIdOf(sealed));
        assertEquals(8, cipher.currentKeyId().length());
        assertTrue(cipher.isCurrent(sealed));
        assertNotEquals(cipher.currentKeyId(), new SecretCipher(OTHER_KEY).currentKeyId());
        assertEquals(cipher.currentKeyId(), new SecretCipher(NEW_KEY).currentKeyId(), "derived, not configured");
        assertFalse(cipher.currentKeyId().contains(NEW_KEY));
    }

    @Test
    void previousKeysDecryptAndReencryptUnderTheCurrentKey() throws Exception {
        SecretCipher before = new SecretCipher(KEY);
        byte[] underOld = before.encrypt("i/password", "hunter2");
        byte[] versionOne = VersionOneCiphertexts.encrypt(KEY, "i/token", "t0ken");

        SecretCipher rotated = new SecretCipher(NEW_KEY, List.of(OTHER_KEY, KEY));
        assertEquals("hunter2", rotated.decrypt("i/password", underOld));
        assertEquals("t0ken", rotated.decrypt("i/token", versionOne));
        assertEquals("t0ken", before.decrypt("i/token", versionOne), "version 1 still decrypts");
        assertFalse(rotated.isCurrent(underOld));
        assertFalse(rotated.isCurrent(versionOne));
        assertEquals("none", SecretCipher.keyIdOf(versionOne));

        byte[] rewritten = rotated.reencrypt("i/password", underOld);
        assertTrue(rotated.isCurrent(rewritten));
        assertEquals("hunter2", new SecretCipher(NEW_KEY).decrypt("i/password", rewritten));
        assertTrue(rotated.isCurrent(rotated.reencrypt("i/token", versionOne)));
        assertThrows(IllegalStateException.class, () -> rotated.decrypt("j/password", underOld));

        // once the previous key is dropped, what is still under it says which key it needs, not what it holds
        SecretCipher dropped = new SecretCipher(NEW_KEY);
        IllegalStateException unknown =
                assertThrows(IllegalStateException.class, () -> dropped.decrypt("i/password", underOld));
        assertTrue(unknown.getMessage().contains(before.currentKeyId()), unknown::getMessage);
        assertFalse(
                unknown.getMessage().contains("hunter2") || unknown.getMessage().contains(KEY));
        IllegalStateException noKey =
                assertThrows(IllegalStateException.class, () -> dropped.decrypt("i/token", versionOne));
        assertFalse(noKey.getMessage().contains("t0ken"));
    }

    @Test
    void aMalformedPreviousKeyIsRefusedWithoutEchoingIt() {
        IllegalStateException refused =
                assertThrows(IllegalStateException.class, () -> new SecretCipher(NEW_KEY, List.of(KEY, "c2hvcnQ=")));
        assertTrue(refused.getMessage().contains("entry 2 of packwright.secrets.previous-keys"), refused::getMessage);
        assertFalse(refused.getMessage().contains("c2hvcnQ="));
        assertEquals(
                new SecretCipher(NEW_KEY).currentKeyId(),
                new SecretCipher(NEW_KEY, List.of(NEW_KEY)).currentKeyId(),
                "the current key among the previous ones is harmless");
    }

    @Test
    void fingerprintsMadeBeforeARotationStillMatch() {
        byte[] body = "{\"password\":\"hunter2\"}".getBytes(StandardCharsets.UTF_8);
        String before = new SecretCipher(KEY).fingerprint(body);
        SecretCipher rotated = new SecretCipher(NEW_KEY, List.of(KEY));
        assertNotEquals(before, rotated.fingerprint(body));
        assertTrue(rotated.fingerprintMatches(body, before));
        assertTrue(rotated.fingerprintMatches(body, rotated.fingerprint(body)));
        assertFalse(rotated.fingerprintMatches("{}".getBytes(StandardCharsets.UTF_8), before));
        assertFalse(new SecretCipher(NEW_KEY).fingerprintMatches(body, before));
    }

    @Test
    void secretsSettingsBindWithTheirDefaultsAndNeverPrintAKey() {
        try (ApplicationContext context = ApplicationContext.run(Map.of("packwright.development-mode", "true"))) {
            SecretsProperties defaults = context.getBean(SecretsProperties.class);
            assertEquals(SecretCipher.DEVELOPMENT_KEY, defaults.key());
            assertEquals(List.of(), defaults.previousKeys());
            assertEquals(1000, defaults.sweepBatchSize());
            assertEquals(Duration.ofMinutes(1), defaults.sweepInterval());
        }
        // the environment variable is one comma-separated string
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "packwright.secrets.key",
                NEW_KEY,
                "packwright.secrets.previous-keys",
                KEY + "," + OTHER_KEY,
                "packwright.secrets.sweep-batch-size",
                "50",
                "packwright.secrets.sweep-interval",
                "5s"))) {
            SecretsProperties configured = context.getBean(SecretsProperties.class);
            assertEquals(List.of(KEY, OTHER_KEY), configured.previousKeys());
            assertEquals(50, configured.sweepBatchSize());
            assertFalse(configured.toString().contains(NEW_KEY)
                    || configured.toString().contains(KEY));
            SecretCipher cipher = context.getBean(SecretCipher.class);
            assertEquals(new SecretCipher(NEW_KEY).currentKeyId(), cipher.currentKeyId());
            assertEquals("hunter2", cipher.decrypt("o", new SecretCipher(OTHER_KEY).encrypt("o", "hunter2")));
        }
        assertEquals(List.of(), new SecretsProperties(KEY, List.of(" ", ""), 1, Duration.ofSeconds(1)).previousKeys());
    }

    @Test
    void outsideDevelopmentModePublicKeysAreRefusedWithoutEchoingThem() {
        for (String publicKey :
                List.of(SecretCipher.DEVELOPMENT_KEY, "change-me", " " + SecretCipher.DEVELOPMENT_KEY)) {
            ConfigurationException refused = assertThrows(
                    ConfigurationException.class,
                    () -> new SecretCipher(properties(publicKey), new DevelopmentMode(false)));
            assertTrue(refused.getMessage().contains("PACKWRIGHT_DEVELOPMENT_MODE"), refused.getMessage());
            assertFalse(refused.getMessage().contains(publicKey.strip()), refused.getMessage());
        }
        assertEquals(
                "v",
                new SecretCipher(properties(SecretCipher.DEVELOPMENT_KEY), new DevelopmentMode(true))
                        .decrypt("o", new SecretCipher(SecretCipher.DEVELOPMENT_KEY).encrypt("o", "v")));
    }

    private static SecretsProperties properties(String key) {
        return new SecretsProperties(key, List.of(), 1000, Duration.ofMinutes(1));
    }
}
