package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.component.PackageExtension;
import io.packwright.activities.store.managed.ExtensionValueStore;
import io.packwright.activities.store.runtime.AttachedInstance;
import io.packwright.activities.store.runtime.DeploymentContent;
import io.packwright.activities.store.runtime.DesiredStateRepository;
import io.packwright.activities.store.runtime.RuntimeIdentity;
import io.packwright.api.paging.JsonBytes;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.problem.ApiException;
import io.packwright.api.releases.ReleaseResponse;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads an environment's desired state for one of its runtimes. The only place where secret
 * extension values are decrypted for a caller: for the runtime of an environment that the instance
 * is attached to.
 *
 * <p>A read is two statements without a transaction ({@link DesiredStateRepository}), since
 * runtimes wake and read together when a release reaches their environments; when the revision
 * changed between them it reads again, and after {@link #OPTIMISTIC_ATTEMPTS} such misses it reads
 * in one repeatable-read transaction, which cannot miss.
 */
@Singleton
class DesiredStateService {

    /** Reads without a transaction before the one that takes a snapshot. */
    static final int OPTIMISTIC_ATTEMPTS = 3;

    // a deployment without its variable texts and lists, with room for numbers and punctuation
    private static final int FIXED_BYTES = 400;
    // one component without its texts: two ids, field names, punctuation
    private static final int COMPONENT_BYTES = 200;
    // one extension value without its key and value: quotes, colon, comma, and room for escapes
    private static final int VALUE_BYTES = 8;

    private static final TransactionDefinition SNAPSHOT = new TransactionDefinition() {
        @Override
        public Optional<Isolation> getIsolationLevel() {
            return Optional.of(Isolation.REPEATABLE_READ);
        }
    };

    private final DesiredStateRepository desired;
    private final TransactionOperations<Connection> transactions;
    private final JsonMapper json;
    private final SecretCipher cipher;

    DesiredStateService(
            DesiredStateRepository desired,
            TransactionOperations<Connection> transactions,
            JsonMapper json,
            SecretCipher cipher) {
        this.desired = desired;
        this.transactions = transactions;
        this.json = json;
        this.cipher = cipher;
    }

    /**
     * The environment's revision now; {@code 401} when the runtime was revoked (or its environment
     * deleted) since its request was authenticated.
     */
    public long revision(RuntimeIdentity runtime) {
        return desired.findRevision(runtime.runtimeId()).orElseThrow(DesiredStateService::revoked);
    }

    /**
     * One page of the environment's desired state: the revision and the page describe the same
     * state. A page holds at most {@code limit} deployments and about 1 MB.
     */
    public DesiredStateResponse read(RuntimeIdentity runtime, PageRequest page) {
        for (int attempt = 1; attempt <= OPTIMISTIC_ATTEMPTS; attempt++) {
            Optional<DesiredStateResponse> read = attempt(runtime, page);
            if (read.isPresent()) {
                return read.get();
            }
        }
        return transactions.execute(
                SNAPSHOT,
                status -> attempt(runtime, page)
                        .orElseThrow(() -> new IllegalStateException("the revision changed within a repeatable read")));
    }

    /** One read; empty when the revision changed between its two statements. */
    private Optional<DesiredStateResponse> attempt(RuntimeIdentity runtime, PageRequest page) {
        List<AttachedInstance> rows = desired.findPage(runtime.runtimeId(), page.after(), page.fetchSize());
        if (rows.isEmpty()) {
            throw revoked();
        }
        long revision = rows.get(0).revision();
        List<AttachedInstance> instances =
                rows.stream().filter(row -> row.instanceId() != null).toList();
        PageRequest.Slice<AttachedInstance> slice =
                page.slice(instances, AttachedInstance::instanceId, DesiredStateService::approximateBytes);
        if (slice.rows().isEmpty()) {
            return Optional.of(
                    new DesiredStateResponse(runtime.environmentId(), revision, List.of(), slice.nextPageToken()));
        }
        List<DeploymentContent> contents = desired.findContent(
                runtime.runtimeId(),
                slice.rows().stream().map(AttachedInstance::instanceId).toList());
        if (contents.isEmpty()) {
            throw revoked();
        }
        if (contents.get(0).revision() != revision) {
            return Optional.empty();
        }
        Map<UUID, DeploymentContent> byInstance = new HashMap<>();
        contents.forEach(content -> byInstance.put(content.instanceId(), content));
        List<DesiredStateResponse.Deployment> deployments =
                new ArrayList<>(slice.rows().size());
        for (AttachedInstance instance : slice.rows()) {
            DeploymentContent content = byInstance.get(instance.instanceId());
            deployments.add(new DesiredStateResponse.Deployment(
                    instance.instanceId(),
                    instance.packId(),
                    instance.packName(),
                    instance.overrideName(),
                    instance.releaseNumber(),
                    list(content.components(), ReleaseResponse.Component.class),
                    effectiveValues(
                            instance.instanceId(),
                            list(content.declared(), Declared.class),
                            list(content.extensionValues(), Stored.class))));
        }
        return Optional.of(
                new DesiredStateResponse(runtime.environmentId(), revision, deployments, slice.nextPageToken()));
    }

    /**
     * The extension values that the releases of these instances (of the runtime's own executions)
     * run with, by instance, secrets decrypted for the runtime; {@code 401} when it was revoked.
     */
    public Map<UUID, Map<String, String>> extensionValues(RuntimeIdentity runtime, List<UUID> instanceIds) {
        Map<UUID, Map<String, String>> values = new HashMap<>();
        if (instanceIds.isEmpty()) {
            return values;
        }
        List<DeploymentContent> contents = desired.findContent(runtime.runtimeId(), instanceIds);
        if (contents.isEmpty()) {
            throw revoked();
        }
        for (DeploymentContent content : contents) {
            values.put(
                    content.instanceId(),
                    effectiveValues(
                            content.instanceId(),
                            list(content.declared(), Declared.class),
                            list(content.extensionValues(), Stored.class)));
        }
        return values;
    }

    /**
     * The values the instance's release runs with: for every extension it declares (in key order),
     * the instance's value, else the default, else nothing. Values of keys the release does not
     * declare (prepared for a pending release) are not part of what it runs.
     */
    private Map<String, String> effectiveValues(UUID instanceId, List<Declared> declared, List<Stored> values) {
        Map<String, Stored> byKey = new HashMap<>();
        values.forEach(value -> byKey.put(value.key(), value));
        Map<String, String> effective = new LinkedHashMap<>();
        for (Declared extension : declared) {
            String key = extension.key();
            Stored value = byKey.get(key);
            if (value != null) {
                effective.put(
                        key,
                        value.encryptedHex() != null
                                ? cipher.decrypt(
                                        ExtensionValueStore.owner(instanceId, key),
                                        HexFormat.of().parseHex(value.encryptedHex()))
                                : value.value());
            } else if (extension.encryptedDefaultHex() != null) {
                effective.put(
                        key,
                        cipher.decrypt(
                                PackageExtension.defaultOwner(extension.packageId(), key),
                                HexFormat.of().parseHex(extension.encryptedDefaultHex())));
            } else if (extension.defaultValue() != null) {
                effective.put(key, extension.defaultValue());
            }
        }
        return effective;
    }

    private <T> List<T> list(@Nullable String array, Class<T> type) {
        if (array == null) {
            return List.of();
        }
        try {
            return json.readValue(array, Argument.listOf(type));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read what PostgreSQL built for a deployment", e);
        }
    }

    private static long approximateBytes(AttachedInstance row) {
        return FIXED_BYTES
                + JsonBytes.text(row.packName())
                + JsonBytes.text(row.overrideName())
                + VALUE_BYTES * (row.valueEntries() + row.defaultEntries())
                + row.valueBytes()
                + row.defaultBytes()
                + COMPONENT_BYTES * row.components()
                + row.componentBytes();
    }

    static ApiException revoked() {
        return ApiException.unauthorized("This runtime token was revoked, or its environment deleted. Create a new"
                + " runtime with POST /api/v1/environments/{id}/runtimes and give its token to the runtime.");
    }

    /** An extension a release declares, with the default that counts, as {@link DeploymentContent} has it. */
    @Serdeable
    record Declared(
            String key,
            UUID packageId,
            @Nullable String defaultValue,
            @Nullable String encryptedDefaultHex) {}

    /** A stored extension value, as {@link DeploymentContent} has it. */
    @Serdeable
    record Stored(
            String key, @Nullable String value, @Nullable String encryptedHex) {

        // a stored value may be a secret in plain text (its key became secret after it was set)
        @Override
        public String toString() {
            return "Stored[key=" + key + "]";
        }
    }
}
