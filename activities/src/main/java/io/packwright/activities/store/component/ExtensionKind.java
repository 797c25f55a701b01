package io.packwright.activities.store.component;

/** What an extension of a packaged component lets a managed account set. */
public enum ExtensionKind {
    CONNECTION_FIELD,
    PROCESS_PROPERTY,
    CROSS_REFERENCE,
    TRADING_PARTNER
}
