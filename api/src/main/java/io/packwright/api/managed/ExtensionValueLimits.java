package io.packwright.api.managed;

/**
 * How much an integration pack instance may hold in extension values. The count and the length of
 * one value are the contract's; the total is this service's own bound, so that an instance's values
 * keep its responses well below the 1 MB that no response body exceeds (200 values of 8,192
 * characters could be 4.8 MB of UTF-8).
 */
public final class ExtensionValueLimits {

    /** The most extension values an instance holds. */
    public static final int MAX_VALUES = 200;

    /** The most characters one extension value has. */
    public static final int MAX_VALUE_LENGTH = 8192;

    /** The most bytes of UTF-8 that all extension values of an instance have together: 512 KiB. */
    public static final int MAX_TOTAL_BYTES = 512 * 1024;

    /** The message of a value map with more than {@link #MAX_VALUES} entries. */
    static final String TOO_MANY = "must hold at most " + MAX_VALUES + " extension values, the limit per instance";

    private ExtensionValueLimits() {}
}
