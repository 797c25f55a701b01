package io.packwright.api.paging;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * One page of a list.
 *
 * @param items the items of this page
 * @param nextPageToken pass as {@code pageToken} to get the next page; {@code null} on the last page
 */
@Serdeable
public record PageResponse<T>(List<T> items, @Nullable String nextPageToken) {}
