package io.packwright.api.support;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

/**
 * A response of the API under test, with its JSON body parsed into maps and lists.
 *
 * @param status the HTTP status
 * @param headers the response headers
 * @param raw the body as received
 * @param json the parsed body ({@code null} when empty)
 */
public record ApiResponse(int status, HttpHeaders headers, String raw, Object json) {

    /** The body as a JSON object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> body() {
        return (Map<String, Object>) json;
    }

    /** A field of the JSON object body. */
    public Object get(String field) {
        return body().get(field);
    }

    /** A string field of the JSON object body. */
    public String string(String field) {
        return (String) body().get(field);
    }

    /** The {@code items} of a list response. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> items() {
        return (List<Map<String, Object>>) body().get("items");
    }

    /** The content type. */
    public String contentType() {
        return headers.firstValue("content-type").orElse("");
    }

    @Override
    public String toString() {
        return status + " " + raw;
    }
}
