package io.packwright.api.validation;

/**
 * What text the API accepts, as patterns for {@code @Pattern} on request fields: one rule for
 * names and one for free text, so that no field stores control characters that would garble a
 * partner's logs, terminals or CSV exports.
 */
public final class TextRules {

    /** A single-line name: at least one non-blank character and no control character. */
    public static final String NAME = "[^\\p{Cntrl}]*[^\\p{Cntrl}\\s][^\\p{Cntrl}]*";

    /** Why a name was refused. */
    public static final String NAME_MESSAGE = "must not be blank or contain control characters";

    /** Free text (descriptions, notes): tabs and line breaks, but no other control character. */
    public static final String TEXT = "[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]*";

    /** Why a free text was refused. */
    public static final String TEXT_MESSAGE = "must not contain control characters other than tabs and line breaks";

    private TextRules() {}
}
