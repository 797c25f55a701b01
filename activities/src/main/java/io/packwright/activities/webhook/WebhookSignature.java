package io.packwright.activities.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks 1.0 signatures: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} under
 * the endpoint's secret ({@link WebhookSecrets}: {@code whsec_} and the base64 of its key bytes). While a rotated
 * secret still signs, the {@code webhook-signature} header carries one signature per secret,
 * separated by a space; a receiver accepts the delivery when any of them verifies.
 */
public final class WebhookSignature {

    private WebhookSignature() {}

    /** The {@code webhook-signature} header: one {@code v1,...} signature per secret, space-separated. */
    public static String header(List<String> secrets, String id, long timestampSeconds, String body) {
        return secrets.stream()
                .map(secret -> sign(secret, id, timestampSeconds, body))
                .collect(Collectors.joining(" "));
    }

    /** One signature, {@code v1,<base64>}. */
    public static String sign(String secret, String id, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            byte[] signed = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signed);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static byte[] key(String secret) {
        if (!secret.startsWith(WebhookSecrets.PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + WebhookSecrets.PREFIX);
        }
        return Base64.getDecoder().decode(secret.substring(WebhookSecrets.PREFIX.length()));
    }
}
