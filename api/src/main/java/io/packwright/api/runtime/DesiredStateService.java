package io.packwright.api.runtime;

import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.annotation.Transactional;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.component.PackageExtension;
import io.packwright.activities.store.managed.ExtensionValueStore;
import io.packwright.activities.store.release.ReleaseRecord;
import io.packwright.activities.store.release.ReleaseStore;
import io.packwright.activities.store.runtime.AttachedInstance;
import io.packwright.activities.store.runtime.DeclaredExtension;
import io.packwright.activities.store.runtime.DesiredStateRepository;
import io.packwright.activities.store.runtime.EmbeddedBytes;
import io.packwright.activities.store.runtime.RuntimeIdentity;
import io.packwright.activities.store.runtime.RuntimeRepository;
import io.packwright.api.paging.JsonBytes;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.problem.ApiException;
import io.packwright.api.releases.ReleaseResponse;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads an environment's desired state for one of its runtimes. The only place where secret
 * extension values are decrypted for a caller: for the runtime of an environment that the instance
 * is attached to.
 */
@Singleton
class DesiredStateService {

    // a deployment without its variable texts and lists, with room for numbers and punctuation
    private static final int FIXED_BYTES = 400;
    // one component without its texts: two ids, field names, punctuation
    private static final int COMPONENT_BYTES = 200;
    // one extension value without its key and value: quotes, colon, comma, and room for escapes
    private static final int VALUE_BYTES = 8;

    private final DesiredStateRepository desired;
    private final RuntimeRepository runtimes;
    private final ReleaseStore releases;
    private final ExtensionValueStore extensionValues;
    private final SecretCipher cipher;

    DesiredStateService(
            DesiredStateRepository desired,
            RuntimeRepository runtimes,
            ReleaseStore releases,
            ExtensionValueStore extensionValues,
            SecretCipher cipher) {
        this.desired = desired;
        this.runtimes = runtimes;
        this.releases = releases;
        this.extensionValues = extensionValues;
        this.cipher = cipher;
    }

    /**
     * The environment's revision now; {@code 401} when the runtime was revoked (or its environment
     * deleted) since its request was authenticated.
     */
    @Transactional(readOnly = true)
    public long revision(RuntimeIdentity runtime) {
        if (!runtimes.exists(runtime.runtimeId())) {
            throw revoked();
        }
        return desired.findRevision(runtime.environmentId()).orElseThrow(DesiredStateService::revoked);
    }

    /**
     * One page of the environment's desired state, read in one snapshot: the revision and the page
     * describe the same state. A page holds at most {@code limit} deployments and about 1 MB.
     */
    @Transactional(readOnly = true, isolation = TransactionDefinition.Isolation.REPEATABLE_READ)
    public DesiredStateResponse read(RuntimeIdentity runtime, PageRequest page) {
        long revision = revision(runtime);
        List<AttachedInstance> rows = desired.findAttachedPage(runtime.environmentId(), page.after(), page.fetchSize());
        Set<UUID> releaseIds = releaseIds(rows);
        Map<UUID, EmbeddedBytes> valueSizes = rows.isEmpty()
                ? Map.of()
                : byOwner(desired.findValueSizes(
                        rows.stream().map(AttachedInstance::instanceId).toList()));
        Map<UUID, EmbeddedBytes> defaultSizes =
                releaseIds.isEmpty() ? Map.of() : byOwner(desired.findDefaultSizes(releaseIds));
        Map<UUID, ReleaseStore.ContentSize> contentSizes = releases.contentSizes(releaseIds);
        PageRequest.Slice<AttachedInstance> slice = page.slice(
                rows,
                AttachedInstance::instanceId,
                row -> approximateBytes(
                        row,
                        valueSizes.get(row.instanceId()),
                        defaultSizes.get(row.releaseId()),
                        contentSizes.get(row.releaseId())));
        List<DesiredStateResponse.Deployment> deployments = deployments(slice.rows());
        return new DesiredStateResponse(runtime.environmentId(), revision, deployments, slice.nextPageToken());
    }

    private List<DesiredStateResponse.Deployment> deployments(List<AttachedInstance> shown) {
        if (shown.isEmpty()) {
            return List.of();
        }
        Set<UUID> releaseIds = releaseIds(shown);
        Map<UUID, List<ReleaseRecord.Component>> components = releases.components(releaseIds);
        Map<UUID, List<DeclaredExtension>> declared = new HashMap<>();
        for (DeclaredExtension extension : desired.findDeclaredExtensions(releaseIds)) {
            declared.computeIfAbsent(extension.releaseId(), id -> new ArrayList<>())
                    .add(extension);
        }
        Map<UUID, List<ExtensionValueStore.InstanceValue>> values = extensionValues.values(
                shown.stream().map(AttachedInstance::instanceId).toList());
        List<DesiredStateResponse.Deployment> deployments = new ArrayList<>(shown.size());
        for (AttachedInstance instance : shown) {
            deployments.add(new DesiredStateResponse.Deployment(
                    instance.instanceId(),
                    instance.packId(),
                    instance.packName(),
                    instance.overrideName(),
                    instance.releaseNumber(),
                    components.getOrDefault(instance.releaseId(), List.of()).stream()
                            .map(c -> new ReleaseResponse.Component(
                                    c.componentId(),
                                    c.componentName(),
                                    c.componentType(),
                                    c.packageId(),
                                    c.packageVersion()))
                            .toList(),
                    effectiveValues(
                            instance.instanceId(),
                            declared.getOrDefault(instance.releaseId(), List.of()),
                            values.getOrDefault(instance.instanceId(), List.of()))));
        }
        return deployments;
    }

    /**
     * The values the instance's release runs with: for every extension it declares (in key order),
     * the instance's value, else the default, else nothing. Values of keys the release does not
     * declare (prepared for a pending release) are not part of what it runs.
     */
    private Map<String, String> effectiveValues(
            UUID instanceId, List<DeclaredExtension> declared, List<ExtensionValueStore.InstanceValue> values) {
        Map<String, ExtensionValueStore.InstanceValue> byKey = new HashMap<>();
        values.forEach(value -> byKey.put(value.key(), value));
        Map<String, String> effective = new LinkedHashMap<>();
        for (DeclaredExtension extension : declared) {
            String key = extension.key();
            ExtensionValueStore.InstanceValue value = byKey.get(key);
            if (value != null) {
                effective.put(
                        key,
                        value.encryptedValue() != null
                                ? cipher.decrypt(ExtensionValueStore.owner(instanceId, key), value.encryptedValue())
                                : value.value());
            } else if (extension.encryptedDefaultValue() != null) {
                effective.put(
                        key,
                        cipher.decrypt(
                                PackageExtension.defaultOwner(extension.packageId(), key),
                                extension.encryptedDefaultValue()));
            } else if (extension.defaultValue() != null) {
                effective.put(key, extension.defaultValue());
            }
        }
        return effective;
    }

    private static long approximateBytes(
            AttachedInstance row, EmbeddedBytes values, EmbeddedBytes defaults, ReleaseStore.ContentSize content) {
        long bytes = FIXED_BYTES + JsonBytes.text(row.packName()) + JsonBytes.text(row.overrideName());
        if (values != null) {
            bytes += VALUE_BYTES * values.entries() + values.textBytes();
        }
        if (defaults != null) {
            bytes += VALUE_BYTES * defaults.entries() + defaults.textBytes();
        }
        if (content != null) {
            bytes += (long) COMPONENT_BYTES * content.components() + content.textBytes();
        }
        return bytes;
    }

    private static Set<UUID> releaseIds(Collection<AttachedInstance> rows) {
        Set<UUID> ids = new LinkedHashSet<>();
        rows.forEach(row -> ids.add(row.releaseId()));
        return ids;
    }

    private static Map<UUID, EmbeddedBytes> byOwner(List<EmbeddedBytes> sizes) {
        Map<UUID, EmbeddedBytes> byOwner = new HashMap<>();
        sizes.forEach(size -> byOwner.put(size.ownerId(), size));
        return byOwner;
    }

    static ApiException revoked() {
        return ApiException.unauthorized("This runtime token was revoked, or its environment deleted. Create a new"
                + " runtime with POST /api/v1/environments/{id}/runtimes and give its token to the runtime.");
    }
}
