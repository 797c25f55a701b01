package io.packwright.workflows.release;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * The typed search attributes of release workflows, so that operators can find and filter releases
 * in the Temporal UI. They must be registered on the namespace before the first release starts: the
 * embedded stack does it on start, the deploy scripts for a real cluster.
 */
public final class ReleaseSearchAttributes {

    public static final SearchAttributeKey<String> PACK_ID = SearchAttributeKey.forKeyword("PackwrightPackId");
    public static final SearchAttributeKey<String> PARTNER_ACCOUNT_ID =
            SearchAttributeKey.forKeyword("PackwrightPartnerAccountId");
    public static final SearchAttributeKey<Long> RELEASE_NUMBER = SearchAttributeKey.forLong("PackwrightReleaseNumber");
    public static final SearchAttributeKey<String> SCHEDULE =
            SearchAttributeKey.forKeyword("PackwrightReleaseSchedule");
    public static final SearchAttributeKey<OffsetDateTime> WINDOW_START =
            SearchAttributeKey.forOffsetDateTime("PackwrightWindowStart");
    public static final SearchAttributeKey<String> STATUS = SearchAttributeKey.forKeyword("PackwrightReleaseStatus");

    /** Every key, for registration. */
    public static final List<SearchAttributeKey<?>> ALL =
            List.of(PACK_ID, PARTNER_ACCOUNT_ID, RELEASE_NUMBER, SCHEDULE, WINDOW_START, STATUS);

    private ReleaseSearchAttributes() {}

    /** Name → indexed type of every key, as the operator API registers them. */
    public static Map<String, IndexedValueType> definitions() {
        java.util.LinkedHashMap<String, IndexedValueType> definitions = new java.util.LinkedHashMap<>();
        for (SearchAttributeKey<?> key : ALL) {
            definitions.put(key.getName(), key.getValueType());
        }
        return definitions;
    }
}
