package io.packwright.api.console;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where operators open Temporal's web UI, {@code packwright.temporal-ui.*} (environment: {@code
 * PACKWRIGHT_TEMPORAL_UI_URL}): the console links each release to its workflow there.
 *
 * @param url the UI's base address, for example {@code http://localhost:8233}; unset, releases show
 *     their workflow id without a link
 */
@ConfigurationProperties("packwright.temporal-ui")
public record TemporalUiProperties(@Nullable String url) {

    /** Refuses an address that is not absolute {@code http} or {@code https}, at start-up. */
    public TemporalUiProperties {
        if (url != null && url.isBlank()) {
            url = null;
        }
        if (url != null) {
            URI parsed;
            try {
                parsed = URI.create(url.strip());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("PACKWRIGHT_TEMPORAL_UI_URL is not an address: " + e.getMessage());
            }
            if (!("http".equalsIgnoreCase(parsed.getScheme()) || "https".equalsIgnoreCase(parsed.getScheme()))
                    || parsed.getHost() == null) {
                throw new ConfigurationException(
                        "PACKWRIGHT_TEMPORAL_UI_URL must be an absolute http or https address, such as"
                                + " http://localhost:8233");
            }
            url = url.strip().replaceAll("/+$", "");
        }
    }

    /** The UI's page of the workflow's latest run in the namespace; empty when no UI is configured. */
    public Optional<String> workflowPage(String namespace, String workflowId) {
        if (url == null) {
            return Optional.empty();
        }
        return Optional.of(url + "/namespaces/" + encode(namespace) + "/workflows/" + encode(workflowId));
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
