package io.packwright.api.packs;

import io.packwright.activities.store.CappedList;
import io.packwright.activities.store.component.ComponentEntity;
import io.packwright.activities.store.component.ComponentRepository;
import io.packwright.activities.store.component.PackagedComponentEntity;
import io.packwright.activities.store.component.PackagedComponentRepository;
import io.packwright.activities.store.pack.ExtensionConflict;
import io.packwright.activities.store.pack.InstallationType;
import io.packwright.activities.store.pack.IntegrationPackEntity;
import io.packwright.activities.store.pack.IntegrationPackRepository;
import io.packwright.activities.store.pack.IntegrationPackStore;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * What is in a pack: its member components and its publications. Every change locks the pack row
 * first, so that the checks (member count, extension settings) and the change are one step even
 * for concurrent requests: twenty parallel adds to a pack of 95 components end with exactly 100.
 */
@Singleton
public class PackContentService {

    private final IntegrationPackRepository packs;
    private final IntegrationPackStore contents;
    private final ComponentRepository components;
    private final PackagedComponentRepository packages;
    private final Tenancy tenancy;
    private final Clock clock;

    PackContentService(
            IntegrationPackRepository packs,
            IntegrationPackStore contents,
            ComponentRepository components,
            PackagedComponentRepository packages,
            Tenancy tenancy,
            Clock clock) {
        this.packs = packs;
        this.contents = contents;
        this.components = components;
        this.packages = packages;
        this.tenancy = tenancy;
        this.clock = clock;
    }

    /**
     * Adds one of the caller's components to one of its packs; nothing when it is a member already.
     * The pack's next release takes the component's newest shareable package.
     */
    @Transactional
    public void addComponent(Caller caller, UUID packId, UUID componentId) {
        UUID partner = tenancy.packManager(caller);
        IntegrationPackEntity pack =
                packs.lockLive(packId, partner).orElseThrow(() -> IntegrationPacks.notFound(packId));
        ComponentEntity component = owned(partner, componentId);
        checkAllowed(pack, component);
        if (packs.isMember(pack.id(), component.id())) {
            return;
        }
        PackagedComponentEntity newest = packages.findNewestShareable(component.id())
                .orElseThrow(() -> ApiException.conflict("Component '" + component.name() + "' has no shareable"
                        + " package. Only shareable packages can be in an integration pack: create a package of it"
                        + " with \"shareable\": true first."));
        if (packs.countMembers(pack.id()) >= IntegrationPackRepository.MAX_MEMBERS) {
            throw ApiException.conflict("Integration pack '" + pack.name() + "' already holds "
                    + IntegrationPackRepository.MAX_MEMBERS + " components, the most a pack can hold. Remove a"
                    + " component first, or put this one into another pack.");
        }
        CappedList<ExtensionConflict> conflicts =
                contents.conflictingExtensions(pack.id(), component.id(), newest.id());
        if (!conflicts.isEmpty()) {
            throw ApiException.conflict("Components in one integration pack must declare each extension with the same"
                    + " kind, required and secret settings, but package '" + newest.packageVersion() + "' of '"
                    + component.name() + "' differs: " + describe(conflicts) + ". Package the component again"
                    + " with matching extension settings.");
        }
        Instant now = now();
        packs.addMember(pack.id(), component.id(), now);
        packs.touch(pack.id(), now);
    }

    /** Removes a component from one of the caller's packs; nothing when it is not a member. */
    @Transactional
    public void removeComponent(Caller caller, UUID packId, UUID componentId) {
        UUID partner = tenancy.packManager(caller);
        IntegrationPackEntity pack =
                packs.lockLive(packId, partner).orElseThrow(() -> IntegrationPacks.notFound(packId));
        ComponentEntity component = owned(partner, componentId);
        if (packs.removeMember(pack.id(), component.id()) > 0) {
            packs.touch(pack.id(), now());
        }
    }

    /** The publications of one of the caller's packs. */
    @Transactional
    public PublicationsResponse publications(Caller caller, UUID packId) {
        UUID partner = tenancy.packManager(caller);
        if (packs.findLive(packId, partner).isEmpty()) {
            throw IntegrationPacks.notFound(packId);
        }
        return new PublicationsResponse(packs.findPublications(packId).stream()
                .map(PublicationResponse::of)
                .toList());
    }

    private ComponentEntity owned(UUID partner, UUID componentId) {
        return components
                .findOwned(componentId, partner)
                .orElseThrow(() -> ApiException.notFound("No component " + componentId + " is in your catalog."));
    }

    private static void checkAllowed(IntegrationPackEntity pack, ComponentEntity component) {
        String name = "'" + component.name() + "'";
        switch (component.type()) {
            case PROCESS_ROUTE, CERTIFICATE, CUSTOM_LIBRARY ->
                throw ApiException.badRequest("Component " + name + " is a " + component.type() + " component,"
                        + " which is not available to managed accounts, so it cannot be in an integration pack.");
            case PROCESS -> {
                if (component.containsProcessRoute()) {
                    throw ApiException.badRequest("Process " + name + " contains Process Route components, which"
                            + " are not available to managed accounts, so it cannot be in an integration pack.");
                }
            }
            case API_SERVICE -> {
                if (pack.installationType() == InstallationType.MULTI) {
                    throw ApiException.badRequest("API Service " + name + " cannot be in '" + pack.name()
                            + "': MULTI integration packs cannot include API_SERVICE components.");
                }
            }
            case CONNECTION -> {
                // the contract refuses only the types above
            }
        }
    }

    private static String describe(CappedList<ExtensionConflict> conflicts) {
        return conflicts.describe(
                conflict -> "extension '" + conflict.key() + "' is "
                        + settings(conflict.kind(), conflict.required(), conflict.secret())
                        + " here but "
                        + settings(conflict.memberKind(), conflict.memberRequired(), conflict.memberSecret())
                        + " in member '" + conflict.memberName() + "'",
                "; ");
    }

    private static String settings(Object kind, boolean required, boolean secret) {
        return "(kind " + kind + ", required " + required + ", secret " + secret + ")";
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
