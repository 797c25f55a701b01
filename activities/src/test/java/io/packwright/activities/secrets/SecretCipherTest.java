package io.packwright.activities.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.exceptions.ConfigurationException;
import io.packwright.activities.config.DevelopmentMode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AES-GCM of secret extension values: round trip, random IVs, owner binding, key validation, no
 * public key outside development mode.
 */
class SecretCipherTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final DevelopmentMode PRODUCTION = new DevelopmentMode(false);
    private static final DevelopmentMode DEVELOPMENT = new DevelopmentMode(true);

    @Test
    void roundTripsWithAFreshIvEachTime() {
        SecretCipher cipher = new SecretCipher(KEY, PRODUCTION);
        byte[] first = cipher.encrypt("i/password", "hunter2");
        byte[] second = cipher.encrypt("i/password", "hunter2");
        assertFalse(java.util.Arrays.equals(first, second));
        assertFalse(new String(first, StandardCharsets.ISO_8859_1).contains("hunter2"));
        assertEquals("hunter2", cipher.decrypt("i/password", first));
        assertEquals("hunter2", cipher.decrypt("i/password", second));
    }

    @Test
    void aValueIsBoundToItsOwnerAndKey() {
        SecretCipher cipher = new SecretCipher(KEY, PRODUCTION);
        byte[] sealed = cipher.encrypt("i/password", "hunter2");
        IllegalStateException moved =
                assertThrows(IllegalStateException.class, () -> cipher.decrypt("j/password", sealed));
        assertFalse(moved.getMessage().contains("hunter2"));
        SecretCipher other = new SecretCipher(
                Base64.getEncoder().encodeToString(new byte[] {
                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
                    28, 29, 30, 31, 32
                }),
                PRODUCTION);
        assertThrows(IllegalStateException.class, () -> other.decrypt("i/password", sealed));
        assertArrayEquals(sealed, sealed.clone());
    }

    @Test
    void malformedKeysAreRefusedWithoutEchoingThem() {
        IllegalStateException notBase64 =
                assertThrows(IllegalStateException.class, () -> new SecretCipher("%%%not-base64", PRODUCTION));
        assertFalse(notBase64.getMessage().contains("%%%not-base64"));
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        IllegalStateException tooShort =
                assertThrows(IllegalStateException.class, () -> new SecretCipher(shortKey, PRODUCTION));
        assertFalse(tooShort.getMessage().contains(shortKey));
        assertEquals(32, Base64.getDecoder().decode(SecretCipher.DEVELOPMENT_KEY).length);
    }

    @Test
    void outsideDevelopmentModePublicKeysAreRefusedWithoutEchoingThem() {
        for (String publicKey :
                List.of(SecretCipher.DEVELOPMENT_KEY, "change-me", " " + SecretCipher.DEVELOPMENT_KEY)) {
            ConfigurationException refused =
                    assertThrows(ConfigurationException.class, () -> new SecretCipher(publicKey, PRODUCTION));
            assertTrue(refused.getMessage().contains("PACKWRIGHT_SECRETS_KEY"), refused.getMessage());
            assertTrue(refused.getMessage().contains("PACKWRIGHT_DEVELOPMENT_MODE"), refused.getMessage());
            assertFalse(refused.getMessage().contains(publicKey.trim()), refused.getMessage());
        }
        assertEquals(
                64,
                new SecretCipher(SecretCipher.DEVELOPMENT_KEY, DEVELOPMENT)
                        .fingerprint(new byte[1])
                        .length());
    }

    @Test
    void fingerprintsAreKeyedAndStable() {
        SecretCipher one = new SecretCipher(SecretCipher.DEVELOPMENT_KEY, DEVELOPMENT);
        SecretCipher sameKey = new SecretCipher(SecretCipher.DEVELOPMENT_KEY, DEVELOPMENT);
        SecretCipher otherKey =
                new SecretCipher(java.util.Base64.getEncoder().encodeToString(new byte[32]), PRODUCTION);
        byte[] body = "{\"password\":\"hunter2\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertEquals(one.fingerprint(body), sameKey.fingerprint(body));
        assertNotEquals(one.fingerprint(body), otherKey.fingerprint(body));
        assertNotEquals(one.fingerprint(body), one.fingerprint("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(64, one.fingerprint(body).length());
    }
}
