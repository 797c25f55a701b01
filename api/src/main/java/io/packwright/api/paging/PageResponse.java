package io.packwright.api.paging;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * One page of a list. A page holds at most {@code limit} items, and at most about 1 MB of them: a page
 * of large items can hold fewer than {@code limit} items while {@code nextPageToken} is not {@code
 * null}, so read on until it is.
 *
 * @param items the items of this page, at most {@code limit} and about 1 MB of them (but always at
 *     least one when any follow)
 * @param nextPageToken pass as {@code pageToken} to get the next page, which continues right after the
 *     last item of this one; {@code null} on the last page only
 */
@Serdeable
public record PageResponse<T>(List<T> items, @Nullable String nextPageToken) {}
