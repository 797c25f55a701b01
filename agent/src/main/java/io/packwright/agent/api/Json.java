package io.packwright.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The agent's one JSON mapping: unknown properties are ignored (the API may add fields), and no
 * parse error ever quotes the document, since the documents carry decrypted secrets.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private Json() {}

    /** The shared, thread-safe mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Says where a document failed to parse without quoting any of it: Jackson's own messages can
     * contain the offending token, which may be part of a secret.
     */
    public static String describeParseFailure(JsonProcessingException e) {
        if (e.getLocation() == null) {
            return e.getClass().getSimpleName();
        }
        return e.getClass().getSimpleName() + " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
    }
}
