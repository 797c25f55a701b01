package io.packwright.activities.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** AES-GCM of secret extension values: round trip, random IVs, owner binding, key validation. */
class SecretCipherTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

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
}
