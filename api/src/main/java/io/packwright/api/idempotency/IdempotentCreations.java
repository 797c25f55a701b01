package io.packwright.api.idempotency;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.json.JsonMapper;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.idempotency.IdempotencyKeyRepository;
import io.packwright.activities.store.idempotency.IdempotencyRecord;
import io.packwright.api.auth.Caller;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} for creating {@code POST}s. The key is claimed in the transaction that
 * creates the resource: a retry with the same key and request replays the first response and
 * creates nothing; the same key with another request is a 409. A request that fails leaves no
 * key behind, so it can be retried as it is.
 *
 * <p>A response that carries a secret (a runtime's token) is stored encrypted ({@link
 * #createWithSecret}), bound to its caller and key, so that the table of keys never holds it in
 * plain text.
 */
@Singleton
public class IdempotentCreations {

    /** The request header. */
    public static final String HEADER = "Idempotency-Key";

    /** Set on a replayed response. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    // stored JSON responses start with '{'; a sealed one with this
    private static final String SEALED = "sealed:";

    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final IdempotencyKeyRepository keys;
    private final JsonMapper json;
    private final Clock clock;
    private final SecretCipher cipher;

    IdempotentCreations(IdempotencyKeyRepository keys, JsonMapper json, Clock clock, SecretCipher cipher) {
        this.keys = keys;
        this.json = json;
        this.clock = clock;
        this.cipher = cipher;
    }

    /**
     * Runs {@code creation} once per caller and key.
     *
     * @param caller who asks
     * @param key the {@code Idempotency-Key} header, or {@code null} for a plain request
     * @param request the HTTP request (its method and path are part of what the key stands for)
     * @param body the parsed request body
     * @param type the response body type, to replay a stored response
     * @param creation creates the resource, in this transaction
     */
    @Transactional
    public <T> HttpResponse<T> create(
            Caller caller,
            @Nullable String key,
            HttpRequest<?> request,
            Object body,
            Argument<T> type,
            Supplier<Created<T>> creation) {
        return create(caller, key, request, body, type, creation, false);
    }

    /**
     * {@link #create}, for a resource whose response carries a secret: the stored response is
     * encrypted.
     */
    @Transactional
    public <T> HttpResponse<T> createWithSecret(
            Caller caller,
            @Nullable String key,
            HttpRequest<?> request,
            Object body,
            Argument<T> type,
            Supplier<Created<T>> creation) {
        return create(caller, key, request, body, type, creation, true);
    }

    private <T> HttpResponse<T> create(
            Caller caller,
            @Nullable String key,
            HttpRequest<?> request,
            Object body,
            Argument<T> type,
            Supplier<Created<T>> creation,
            boolean secret) {
        if (key == null) {
            return respond(creation.get());
        }
        if (!KEY.matcher(key).matches()) {
            throw ApiException.invalidField(HEADER, "must be 1 to 255 visible ASCII characters, e.g. a UUID");
        }
        byte[] fingerprinted = fingerprinted(request, body);
        if (keys.claimUnlessUsed(caller.subject(), key, cipher.fingerprint(fingerprinted), clock.instant()) == 0) {
            IdempotencyRecord first = keys.findRecord(caller.subject(), key)
                    .orElseThrow(() -> new IllegalStateException("idempotency key vanished while claimed"));
            return replay(caller, key, fingerprinted, first, type);
        }
        Created<T> created = creation.get();
        String response = write(created.body());
        if (secret) {
            response = SEALED + Base64.getEncoder().encodeToString(cipher.encrypt(owner(caller, key), response));
        }
        keys.complete(caller.subject(), key, created.status().getCode(), created.location(), response);
        return respond(created);
    }

    /** What binds a sealed response to its caller and key. */
    private static String owner(Caller caller, String key) {
        return "idempotency/" + caller.subject() + "/" + key;
    }

    private <T> HttpResponse<T> replay(
            Caller caller, String key, byte[] fingerprinted, IdempotencyRecord first, Argument<T> type) {
        // a fingerprint stored before a rotation of the secrets key is under the previous key
        if (!cipher.fingerprintMatches(fingerprinted, first.requestFingerprint())) {
            throw ApiException.conflict("The Idempotency-Key '" + key + "' was already used for a different request."
                    + " Use a new key for a new request.");
        }
        try {
            MutableHttpResponse<T> response = HttpResponse.<T>status(HttpStatus.valueOf(first.responseStatus()))
                    .body(json.readValue(unsealed(caller, key, first.responseBody()), type))
                    .header(REPLAYED_HEADER, "true");
            if (first.responseLocation() != null) {
                response.header(HttpHeaders.LOCATION, first.responseLocation());
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a stored idempotent response", e);
        }
    }

    private String unsealed(Caller caller, String key, String stored) {
        if (!stored.startsWith(SEALED)) {
            return stored;
        }
        byte[] sealed = Base64.getDecoder().decode(stored.substring(SEALED.length()));
        return cipher.decrypt(owner(caller, key), sealed);
    }

    private static <T> HttpResponse<T> respond(Created<T> created) {
        return HttpResponse.<T>status(created.status())
                .body(created.body())
                .header(HttpHeaders.LOCATION, created.location());
    }

    // what the stored fingerprint is keyed over: request bodies may carry secret extension values
    private byte[] fingerprinted(HttpRequest<?> request, Object body) {
        String method = request.getMethodName() + ' ' + request.getPath() + '\n';
        return (method + write(body)).getBytes(StandardCharsets.UTF_8);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize an idempotent request or response", e);
        }
    }
}
