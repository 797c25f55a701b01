package io.packwright.activities.store.pack;

/** How many instances of a pack an account may install: one, or several with distinct names. */
public enum InstallationType {
    SINGLE,
    MULTI
}
