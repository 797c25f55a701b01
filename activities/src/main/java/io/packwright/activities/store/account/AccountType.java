package io.packwright.activities.store.account;

/** Kinds of account: a partner publishes integration packs, a managed account installs them. */
public enum AccountType {
    PARTNER,
    MANAGED
}
