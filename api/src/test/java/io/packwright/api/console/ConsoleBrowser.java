package io.packwright.api.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser as far as the console's tests need one: it keeps the cookies the console sets (by name,
 * whatever their path), reads the CSRF token from the last page and sends it as htmx does. It never
 * follows redirects, so that tests see them.
 */
final class ConsoleBrowser {

    private static final Pattern TOKEN = Pattern.compile("\"X-CSRF-Token\": \"([^\"]+)\"");

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    final Map<String, String> cookies = new LinkedHashMap<>();
    String csrfToken;

    ConsoleBrowser(URI base) {
        this.base = base;
    }

    HttpResponse<String> get(String path) {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(base.resolve(path)).GET());
        Matcher token = TOKEN.matcher(response.body());
        if (token.find()) {
            csrfToken = token.group(1);
        }
        return response;
    }

    /** A form posted by htmx: with the page's CSRF token. */
    HttpResponse<String> post(String path, Map<String, String> form) {
        return post(path, form, csrfToken);
    }

    HttpResponse<String> post(String path, Map<String, String> form, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("HX-Request", "true")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"))));
        if (token != null) {
            request.header("X-CSRF-Token", token);
        }
        return send(request);
    }

    /** Signs in with the development sign-in as {@code subject}. */
    void signIn(String subject) {
        assertEquals(200, get("/console/sign-in").statusCode());
        HttpResponse<String> signedIn = post("/console/sign-in/dev", Map.of("subject", subject));
        assertEquals(204, signedIn.statusCode(), signedIn::body);
        assertEquals("/console", signedIn.headers().firstValue("HX-Redirect").orElse(null));
        assertTrue(cookies.containsKey(ConsoleSessions.SESSION_COOKIE), cookies::toString);
    }

    /** The {@code Set-Cookie} header of the response that set this cookie. */
    static String setCookie(HttpResponse<?> response, String name) {
        List<String> headers = response.headers().allValues("set-cookie");
        return headers.stream()
                .filter(header -> header.startsWith(name + "="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Set-Cookie for " + name + " in " + headers));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        if (!cookies.isEmpty()) {
            request.header(
                    "Cookie",
                    cookies.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("; ")));
        }
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            for (String header : response.headers().allValues("set-cookie")) {
                String pair = header.split(";", 2)[0];
                int equals = pair.indexOf('=');
                String name = pair.substring(0, equals).trim();
                String value = pair.substring(equals + 1).trim();
                if (value.isEmpty() || header.toLowerCase().contains("max-age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
