package io.packwright.api.paging;

import io.micronaut.core.annotation.Nullable;

/**
 * Approximate sizes of JSON values in a response body, for the byte budget of a page ({@link
 * PageRequest#slice(java.util.List, java.util.function.Function, java.util.function.ToLongFunction)}):
 * cheap to compute from what a row holds, without serializing it.
 */
public final class JsonBytes {

    /** A UUID string with its quotes and a separator. */
    public static final int UUID = 39;

    private JsonBytes() {}

    /**
     * A string value: its UTF-8 bytes and its quotes, or {@code null}. Escaped characters (quotes,
     * backslashes, control characters) take a few bytes more than counted here.
     */
    public static long text(@Nullable String value) {
        if (value == null) {
            return 4;
        }
        long bytes = 2;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // a surrogate pair is 4 bytes: 2 for each half
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }
}
