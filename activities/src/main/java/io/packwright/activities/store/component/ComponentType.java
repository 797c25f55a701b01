package io.packwright.activities.store.component;

/** The kinds of component a partner packages. Only processes and API services can be in a pack. */
public enum ComponentType {
    PROCESS,
    API_SERVICE,
    PROCESS_ROUTE,
    CERTIFICATE,
    CUSTOM_LIBRARY,
    CONNECTION
}
