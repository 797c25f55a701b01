package io.packwright.agent.api;

import java.util.UUID;

/** One component of a deployed release, as the API lists it. */
public record Component(
        UUID componentId, String componentName, String componentType, UUID packageId, String packageVersion) {}
