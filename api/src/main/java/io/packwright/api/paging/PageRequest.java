package io.packwright.api.paging;

import io.micronaut.core.annotation.Nullable;
import io.packwright.api.problem.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Keyset pagination over time-ordered ids: a page token is the last id of the previous page, so
 * pages stay stable while rows are added and cost one index range scan each.
 *
 * @param limit how many items a page holds
 * @param after only items whose id sorts after this one (the nil UUID for the first page)
 */
public record PageRequest(int limit, UUID after) {

    /** The page size when none is asked for. */
    public static final int DEFAULT_LIMIT = 50;

    /** The largest page size. */
    public static final int MAX_LIMIT = 500;

    private static final UUID FIRST = new UUID(0, 0);
    private static final String TOKEN_PREFIX = "v1:";

    /** Reads the {@code limit} and {@code pageToken} query parameters; 400 when they are invalid. */
    public static PageRequest of(@Nullable Integer limit, @Nullable String pageToken) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ApiException.invalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return new PageRequest(size, pageToken == null || pageToken.isEmpty() ? FIRST : decode(pageToken));
    }

    /** How many rows to fetch: one more than the page, to know whether another page follows. */
    public int fetchSize() {
        return limit + 1;
    }

    /**
     * Turns up to {@link #fetchSize()} rows, in id order, into a page.
     *
     * @param rows the fetched rows
     * @param id the id of a row
     * @param toItem maps a row to its response item
     */
    public <R, T> PageResponse<T> toPage(List<R> rows, Function<R, UUID> id, Function<R, T> toItem) {
        boolean more = rows.size() > limit;
        List<R> page = more ? rows.subList(0, limit) : rows;
        String next = more ? encode(id.apply(page.get(page.size() - 1))) : null;
        return new PageResponse<>(page.stream().map(toItem).toList(), next);
    }

    private static String encode(UUID last) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((TOKEN_PREFIX + last).getBytes(StandardCharsets.UTF_8));
    }

    private static UUID decode(String token) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (!decoded.startsWith(TOKEN_PREFIX)) {
                throw new IllegalArgumentException("unknown token version");
            }
            return UUID.fromString(decoded.substring(TOKEN_PREFIX.length()));
        } catch (IllegalArgumentException malformed) {
            throw ApiException.invalidField(
                    "pageToken", "is not a page token of this list; pass the nextPageToken of the previous page");
        }
    }
}
