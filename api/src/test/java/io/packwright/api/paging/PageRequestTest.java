package io.packwright.api.paging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How a page is cut: by {@code limit}, and by the byte budget where items are large. */
class PageRequestTest {

    private record Row(UUID id, long bytes) {}

    private static List<Row> rows(long... bytes) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            rows.add(new Row(new UUID(0, i + 1), bytes[i]));
        }
        return rows;
    }

    private static PageRequest.Slice<Row> slice(int limit, List<Row> rows) {
        return new PageRequest(limit, new UUID(0, 0)).slice(rows, Row::id, Row::bytes);
    }

    @Test
    void aPageStopsBeforeTheItemThatWouldExceedTheBudget() {
        long third = PageRequest.MAX_PAGE_BYTES / 3;
        PageRequest.Slice<Row> page = slice(10, rows(third, third, third, 10, 1));

        assertEquals(3, page.rows().size(), "three thirds fit, a fourth item does not");
        PageRequest next = PageRequest.of(10, page.nextPageToken());
        assertEquals(new UUID(0, 3), next.after(), "the next page continues right after the last item");
    }

    @Test
    void aPageAlwaysHoldsItsFirstItem() {
        PageRequest.Slice<Row> page = slice(10, rows(5 * PageRequest.MAX_PAGE_BYTES, 1));
        assertEquals(1, page.rows().size());
        assertNotNull(page.nextPageToken());

        PageRequest.Slice<Row> last = slice(10, rows(5 * PageRequest.MAX_PAGE_BYTES));
        assertEquals(1, last.rows().size());
        assertNull(last.nextPageToken(), "nothing follows it");
    }

    @Test
    void smallItemsAreCutByLimitOnly() {
        PageRequest.Slice<Row> full = slice(3, rows(1, 1, 1, 1));
        assertEquals(3, full.rows().size());
        assertNotNull(full.nextPageToken());

        PageRequest.Slice<Row> last = slice(3, rows(1, 1, 1));
        assertEquals(3, last.rows().size());
        assertNull(last.nextPageToken());
        assertNull(slice(3, rows()).nextPageToken());
    }

    @Test
    void aPageCutByTheBudgetOnItsLastRowStillSaysThatMoreFollow() {
        long half = PageRequest.MAX_PAGE_BYTES / 2;
        PageRequest.Slice<Row> page = slice(3, rows(half, half, 1));
        assertEquals(2, page.rows().size());
        assertNotNull(page.nextPageToken());
    }
}
