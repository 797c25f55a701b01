package io.packwright.api.components;

import io.micronaut.data.exceptions.DataAccessException;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.ConstraintViolations;
import io.packwright.activities.store.Ids;
import io.packwright.activities.store.component.ComponentEntity;
import io.packwright.activities.store.component.ComponentRepository;
import io.packwright.activities.store.component.PackageExtension;
import io.packwright.activities.store.component.PackageExtensionStore;
import io.packwright.activities.store.component.PackagedComponentEntity;
import io.packwright.activities.store.component.PackagedComponentRepository;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import io.packwright.api.problem.FieldError;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A partner's catalog: its components and their immutable packages. Only partners have a catalog;
 * a component of another partner is not found. The default of a secret extension is encrypted
 * before it is stored and never shown.
 */
@Singleton
public class ComponentService {

    private final ComponentRepository components;
    private final PackagedComponentRepository packages;
    private final PackageExtensionStore extensions;
    private final Tenancy tenancy;
    private final SecretCipher cipher;
    private final Clock clock;

    ComponentService(
            ComponentRepository components,
            PackagedComponentRepository packages,
            PackageExtensionStore extensions,
            Tenancy tenancy,
            SecretCipher cipher,
            Clock clock) {
        this.components = components;
        this.packages = packages;
        this.extensions = extensions;
        this.tenancy = tenancy;
        this.cipher = cipher;
        this.clock = clock;
    }

    /** Creates a component in the caller's catalog. */
    @Transactional
    public ComponentResponse create(Caller caller, CreateComponentRequest request) {
        UUID partner = tenancy.partner(caller, Tenancy.PartnerArea.CATALOG);
        ComponentEntity component = new ComponentEntity(
                Ids.next(),
                partner,
                request.name(),
                request.type(),
                Boolean.TRUE.equals(request.containsProcessRoute()),
                now());
        return ComponentResponse.of(components.save(component));
    }

    /** One of the caller's components. */
    @Transactional
    public ComponentResponse get(Caller caller, UUID id) {
        return ComponentResponse.of(owned(caller, id));
    }

    /** The caller's components in creation order. */
    @Transactional
    public PageResponse<ComponentResponse> list(Caller caller, PageRequest page) {
        return list(caller, "", page);
    }

    /** The caller's components whose name contains {@code nameContains} (ignoring case), in creation order. */
    @Transactional
    public PageResponse<ComponentResponse> list(Caller caller, String nameContains, PageRequest page) {
        UUID partner = tenancy.partner(caller, Tenancy.PartnerArea.CATALOG);
        List<ComponentEntity> rows = nameContains.isEmpty()
                ? components.findPage(partner, page.after(), page.fetchSize())
                : components.findPageNamed(partner, nameContains, page.after(), page.fetchSize());
        return page.toPage(rows, ComponentEntity::id, ComponentResponse::of);
    }

    /** Packages one of the caller's components; 409 when the version exists already. */
    @Transactional
    public PackagedComponentResponse createPackage(Caller caller, UUID componentId, CreatePackageRequest request) {
        ComponentEntity component = owned(caller, componentId);
        List<ExtensionDefinition> definitions = request.extensions() == null ? List.of() : request.extensions();
        checkKeysUnique(definitions);
        UUID packageId = Ids.next();
        List<PackageExtension> declared = definitions.stream()
                .map(definition -> definition.toExtension(packageId, cipher))
                .toList();
        PackagedComponentEntity pkg = new PackagedComponentEntity(
                packageId, component.id(), request.packageVersion(), request.shareable(), request.notes(), now());
        try {
            pkg = packages.save(pkg);
        } catch (DataAccessException e) {
            if (ConstraintViolations.violates(e, PackagedComponentRepository.VERSION_UNIQUE)) {
                throw ApiException.conflict("Component '" + component.name() + "' already has a package with"
                        + " packageVersion '" + request.packageVersion() + "'. Packages are immutable: create"
                        + " the new package with another packageVersion.");
            }
            throw e;
        }
        extensions.insertAll(pkg.id(), declared);
        return PackagedComponentResponse.of(
                pkg, extensions.findByPackages(List.of(pkg.id())).get(pkg.id()));
    }

    /**
     * One package of one of the caller's components. A package is written from one request body of
     * at most {@code micronaut.server.max-request-size} (1 MB) and never changes, so its response is
     * no larger than that body and a few fixed fields.
     */
    @Transactional
    public PackagedComponentResponse getPackage(Caller caller, UUID componentId, UUID packageId) {
        ComponentEntity component = owned(caller, componentId);
        PackagedComponentEntity pkg = packages.findById(packageId)
                .filter(found -> found.componentId().equals(component.id()))
                .orElseThrow(
                        () -> ApiException.notFound("Component " + componentId + " has no package " + packageId + "."));
        return PackagedComponentResponse.of(
                pkg, extensions.findByPackages(List.of(pkg.id())).get(pkg.id()));
    }

    /** The packages of one of the caller's components, newest first. */
    @Transactional
    public PageResponse<PackagedComponentResponse> listPackages(Caller caller, UUID componentId, PageRequest page) {
        ComponentEntity component = owned(caller, componentId);
        List<PackagedComponentEntity> rows =
                packages.findNewestFirstPage(component.id(), page.before(), page.fetchSize());
        // a package may declare many extensions with long defaults: the page is cut by their size
        // first, and only the extensions of the packages on it are loaded
        Map<UUID, PackageExtensionStore.ExtensionsSize> sizes =
                extensions.sizes(rows.stream().map(PackagedComponentEntity::id).toList());
        return page.slice(
                        rows,
                        PackagedComponentEntity::id,
                        pkg -> PackagedComponentResponse.approximateBytes(
                                pkg, sizes.getOrDefault(pkg.id(), PackageExtensionStore.ExtensionsSize.NONE)))
                .mapAll(shown -> {
                    Map<UUID, List<PackageExtension>> byPackage = extensions.findByPackages(
                            shown.stream().map(PackagedComponentEntity::id).toList());
                    return shown.stream()
                            .map(pkg -> PackagedComponentResponse.of(pkg, byPackage.get(pkg.id())))
                            .toList();
                });
    }

    private ComponentEntity owned(Caller caller, UUID id) {
        return components
                .findOwned(id, tenancy.partner(caller, Tenancy.PartnerArea.CATALOG))
                .orElseThrow(() -> ApiException.notFound("No component " + id + " is in your catalog."));
    }

    private static void checkKeysUnique(List<ExtensionDefinition> declared) {
        Map<String, Integer> first = new HashMap<>();
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < declared.size(); i++) {
            Integer earlier = first.putIfAbsent(declared.get(i).key(), i);
            if (earlier != null) {
                errors.add(new FieldError(
                        "extensions[" + i + "].key",
                        "repeats the key of extensions[" + earlier + "]; keys must be unique within a package"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidFields(errors);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
