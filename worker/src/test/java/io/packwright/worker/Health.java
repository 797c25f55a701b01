package io.packwright.worker;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import java.util.Map;

/** {@code GET /health} over real HTTP: the status code and the decoded body, UP or DOWN. */
record Health(int statusCode, Map<String, Object> body) {

    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);

    static Health fetch(HttpClient client) {
        try {
            HttpResponse<Map<String, Object>> response =
                    client.toBlocking().exchange(HttpRequest.GET("/health"), JSON, JSON);
            return new Health(response.code(), response.body());
        } catch (HttpClientResponseException e) {
            return new Health(e.code(), e.getResponse().getBody(JSON).orElseThrow());
        }
    }

    String status() {
        return (String) body.get("status");
    }

    /** The status of one component (health indicator), e.g. {@code temporal} or {@code jdbc}. */
    String status(String component) {
        return (String) component(component).get("status");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> component(String component) {
        Map<String, Object> details = (Map<String, Object>) body.get("details");
        if (details == null || !details.containsKey(component)) {
            throw new AssertionError("no " + component + " in /health: " + body);
        }
        return (Map<String, Object>) details.get(component);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> details(String component) {
        return (Map<String, Object>) component(component).get("details");
    }
}
