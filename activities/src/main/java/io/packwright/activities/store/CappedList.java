package io.packwright.activities.store;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The first few items of a list that may be long, and how many there are in all: what an error
 * message that lists keys shows. Such messages name at most {@link #SHOWN} items and then say how
 * many more there are ({@code 'a', 'b', … and 3 more}); statements that produce them fetch at most
 * {@link #SHOWN} rows plus the count, never the whole list.
 *
 * @param items at most {@link #SHOWN} of them, in the order they are shown
 * @param total how many there are in all
 * @param <T> what is listed
 */
public record CappedList<T>(List<T> items, long total) {

    /** How many items a message names at most. */
    public static final int SHOWN = 10;

    /** Keeps at most {@link #SHOWN} items; {@code total} must count at least {@code items}. */
    public CappedList {
        if (total < items.size()) {
            throw new IllegalArgumentException("total " + total + " is below the " + items.size() + " items");
        }
        items = List.copyOf(items.subList(0, Math.min(items.size(), SHOWN)));
    }

    /** All of {@code items}, of which at most {@link #SHOWN} are kept. */
    public static <T> CappedList<T> of(List<T> items) {
        return new CappedList<>(items, items.size());
    }

    /** Whether there are none at all. */
    public boolean isEmpty() {
        return total == 0;
    }

    /**
     * The items as a person reads them: each formatted, joined by {@code separator}, and, when
     * some are not shown, {@code … and N more} after them.
     */
    public String describe(Function<? super T, String> format, String separator) {
        String shown = items.stream().map(format).collect(Collectors.joining(separator));
        long more = total - items.size();
        return more > 0 ? shown + separator + "… and " + more + " more" : shown;
    }

    /** The items quoted and separated by commas: {@code 'a', 'b', … and 3 more}. */
    public String quoted(Function<? super T, String> format) {
        return describe(item -> "'" + format.apply(item) + "'", ", ");
    }
}
