package io.packwright.api.support;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A plain HTTP client for the API under test: real requests, no framework client in between. */
public final class ApiClient {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final JsonMapper json;

    public ApiClient(URI base, JsonMapper json) {
        this.base = base;
        this.json = json;
    }

    public ApiResponse get(String path, String token) {
        return send(request(path, token).GET());
    }

    /** A GET with extra headers ({@code If-None-Match}, ...). */
    public ApiResponse get(String path, String token, Map<String, String> headers) {
        HttpRequest.Builder request = request(path, token).GET();
        headers.forEach(request::header);
        return send(request);
    }

    public ApiResponse post(String path, String token, Object body) {
        return post(path, token, body, Map.of());
    }

    public ApiResponse post(String path, String token, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = request(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(toJson(body)));
        headers.forEach(request::header);
        return send(request);
    }

    public ApiResponse patch(String path, String token, Object body) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(toJson(body))));
    }

    public ApiResponse put(String path, String token, Object body) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(toJson(body))));
    }

    public ApiResponse delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    /** Sends a raw body with a chosen content type, for malformed-input tests. */
    public ApiResponse raw(String method, String path, String token, String contentType, String body) {
        HttpRequest.Builder request = request(path, token).method(method, HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    /** Builds a JSON object from alternating keys and values (values may be null, unlike Map.of). */
    public static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(90))
                .header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private String toJson(Object body) {
        if (body instanceof String string) {
            return string;
        }
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ApiResponse send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            boolean isJson = response.headers()
                    .firstValue("content-type")
                    .map(type -> type.contains("json"))
                    .orElse(false);
            Object parsed = response.body().isEmpty() || !isJson ? null : json.readValue(response.body(), Object.class);
            return new ApiResponse(response.statusCode(), response.headers(), response.body(), parsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
