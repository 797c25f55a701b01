package io.packwright.activities.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Values as the cipher wrote them before key ids existed: version 1, IV, ciphertext and tag. */
final class VersionOneCiphertexts {

    private VersionOneCiphertexts() {}

    static byte[] encrypt(String base64Key, String owner, String value) throws GeneralSecurityException {
        byte[] iv = new byte[12];
        new SecureRandom().nextBytes(iv);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(
                Cipher.ENCRYPT_MODE,
                new SecretKeySpec(Base64.getDecoder().decode(base64Key), "AES"),
                new GCMParameterSpec(128, iv));
        aes.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = aes.doFinal(value.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.allocate(1 + 12 + sealed.length)
                .put((byte) 1)
                .put(iv)
                .put(sealed)
                .array();
    }
}
