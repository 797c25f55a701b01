package io.packwright.api.paging;

import io.micronaut.core.annotation.Nullable;
import io.packwright.api.problem.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Keyset pagination over time-ordered ids: a page token is the last id of the previous page, so
 * pages stay stable while rows are added and cost one index range scan each. Lists run oldest first
 * ({@link #of}: {@code id > :after ORDER BY id}) or newest first ({@link #newestFirst}: {@code id <
 * :before ORDER BY id DESC}); a token only continues a list of its own order.
 *
 * <p>A page holds at most {@code limit} items, and, where items can be large, at most about {@link
 * #MAX_PAGE_BYTES} of them ({@link #slice(List, Function, ToLongFunction)}): such a page can end
 * before {@code limit} with a {@code nextPageToken} that continues right after its last item. Lists
 * of small items of bounded size skip the estimate.
 *
 * @param limit how many items a page holds
 * @param cursor the id that the page continues from: the nil UUID for the first page oldest first,
 *     the largest UUID for the first page newest first
 * @param order the order of the list
 */
public record PageRequest(int limit, UUID cursor, Order order) {

    /** The page size when none is asked for. */
    public static final int DEFAULT_LIMIT = 50;

    /** The largest page size. */
    public static final int MAX_LIMIT = 500;

    /**
     * How many bytes of items one page holds at most, as estimated by the list: about 1 MB, so that
     * no list response grows beyond that whatever its items hold. A page always holds its first item,
     * however large.
     */
    public static final long MAX_PAGE_BYTES = 1_000_000;

    /** The order of a list, by id, which is creation order. */
    public enum Order {
        OLDEST_FIRST("v1:", new UUID(0, 0)),
        NEWEST_FIRST("v1-desc:", new UUID(-1, -1));

        private final String tokenPrefix;
        private final UUID start;

        Order(String tokenPrefix, UUID start) {
            this.tokenPrefix = tokenPrefix;
            this.start = start;
        }
    }

    /** An oldest-first page from {@code after}. */
    public PageRequest(int limit, UUID after) {
        this(limit, after, Order.OLDEST_FIRST);
    }

    /**
     * Reads the {@code limit} and {@code pageToken} query parameters of an oldest-first list; 400 when
     * they are invalid.
     */
    public static PageRequest of(@Nullable Integer limit, @Nullable String pageToken) {
        return parse(limit, pageToken, Order.OLDEST_FIRST);
    }

    /**
     * Reads the {@code limit} and {@code pageToken} query parameters of a newest-first list; 400 when
     * they are invalid.
     */
    public static PageRequest newestFirst(@Nullable Integer limit, @Nullable String pageToken) {
        return parse(limit, pageToken, Order.NEWEST_FIRST);
    }

    /** Oldest first: only items whose id sorts after this one. */
    public UUID after() {
        if (order != Order.OLDEST_FIRST) {
            throw new IllegalStateException("a newest-first page continues before(), not after()");
        }
        return cursor;
    }

    /** Newest first: only items whose id sorts before this one. */
    public UUID before() {
        if (order != Order.NEWEST_FIRST) {
            throw new IllegalStateException("an oldest-first page continues after(), not before()");
        }
        return cursor;
    }

    /** Whether this is the first page of its list (no page token was given). */
    public boolean isFirstPage() {
        return cursor.equals(order.start);
    }

    /** How many rows to fetch: one more than the page, to know whether another page follows. */
    public int fetchSize() {
        return limit + 1;
    }

    /**
     * Turns up to {@link #fetchSize()} rows, in the list's order, into a page of at most {@code
     * limit} items. For lists of small items of bounded size; lists whose items can be large use
     * {@link #slice(List, Function, ToLongFunction)}.
     *
     * @param rows the fetched rows
     * @param id the id of a row
     * @param toItem maps a row to its response item
     */
    public <R, T> PageResponse<T> toPage(List<R> rows, Function<R, UUID> id, Function<R, T> toItem) {
        return slice(rows, id).map(toItem);
    }

    /**
     * The rows of the page among up to {@link #fetchSize()} fetched rows, in the list's order: at most
     * {@code limit} of them.
     *
     * @param rows the fetched rows
     * @param id the id of a row
     */
    public <R> Slice<R> slice(List<R> rows, Function<R, UUID> id) {
        return slice(rows, id, row -> 0);
    }

    /**
     * The rows of the page among up to {@link #fetchSize()} fetched rows, in the list's order: at most
     * {@code limit} of them, and only as many as fit into {@link #MAX_PAGE_BYTES} by their
     * approximate size, but always the first. When the budget ends the page early, its token
     * continues right after its last row.
     *
     * <p>The estimate is asked for at most one row beyond the page; it should come from what the rows
     * already hold (lengths, sizes computed by the query), so that nothing is serialized twice and
     * what the items embed is loaded for the page's rows only.
     *
     * @param rows the fetched rows
     * @param id the id of a row
     * @param approximateBytes about how many bytes the row's item takes in the response body
     */
    public <R> Slice<R> slice(List<R> rows, Function<R, UUID> id, ToLongFunction<R> approximateBytes) {
        int candidates = Math.min(rows.size(), limit);
        int kept = 0;
        long bytes = 0;
        while (kept < candidates) {
            long size = approximateBytes.applyAsLong(rows.get(kept));
            if (kept > 0 && bytes + size > MAX_PAGE_BYTES) {
                break;
            }
            bytes += size;
            kept++;
        }
        List<R> page = rows.subList(0, kept);
        String next = kept < rows.size() ? encode(id.apply(page.get(kept - 1))) : null;
        return new Slice<>(page, next);
    }

    /**
     * The rows of one page and the token of the next.
     *
     * @param rows the rows of this page
     * @param nextPageToken the token of the next page; {@code null} on the last page
     */
    public record Slice<R>(List<R> rows, @Nullable String nextPageToken) {

        /** The page, with each row turned into its item. */
        public <T> PageResponse<T> map(Function<R, T> toItem) {
            return new PageResponse<>(rows.stream().map(toItem).toList(), nextPageToken);
        }

        /**
         * The page, with all rows turned into items at once: for items that embed what one more query
         * loads for the page's rows.
         */
        public <T> PageResponse<T> mapAll(Function<List<R>, List<T>> toItems) {
            return new PageResponse<>(rows.isEmpty() ? List.of() : toItems.apply(rows), nextPageToken);
        }
    }

    private static PageRequest parse(@Nullable Integer limit, @Nullable String pageToken, Order order) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ApiException.invalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        UUID cursor = pageToken == null || pageToken.isEmpty() ? order.start : decode(pageToken, order);
        return new PageRequest(size, cursor, order);
    }

    private String encode(UUID last) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((order.tokenPrefix + last).getBytes(StandardCharsets.UTF_8));
    }

    private static UUID decode(String token, Order order) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (!decoded.startsWith(order.tokenPrefix)) {
                throw new IllegalArgumentException("unknown token version or order");
            }
            return UUID.fromString(decoded.substring(order.tokenPrefix.length()));
        } catch (IllegalArgumentException malformed) {
            throw ApiException.invalidField(
                    "pageToken", "is not a page token of this list; pass the nextPageToken of the previous page");
        }
    }
}
