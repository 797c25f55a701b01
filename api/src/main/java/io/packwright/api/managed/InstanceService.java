package io.packwright.api.managed;

import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.CappedList;
import io.packwright.activities.store.Ids;
import io.packwright.activities.store.managed.ApplyRequestRepository;
import io.packwright.activities.store.managed.EmbeddedSize;
import io.packwright.activities.store.managed.EnvironmentAttachmentRepository;
import io.packwright.activities.store.managed.EnvironmentRepository;
import io.packwright.activities.store.managed.ExtensionValueStore;
import io.packwright.activities.store.managed.Instance;
import io.packwright.activities.store.managed.InstanceRepository;
import io.packwright.activities.store.managed.PendingApply;
import io.packwright.activities.store.pack.InstallationType;
import io.packwright.activities.store.pack.IntegrationPackEntity;
import io.packwright.activities.store.pack.IntegrationPackRepository;
import io.packwright.activities.store.release.ReleaseFanOutStore;
import io.packwright.activities.store.runtime.DeploymentRepository;
import io.packwright.activities.store.runtime.InstanceDeployment;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import io.packwright.api.problem.FieldError;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Installed integration pack instances of managed accounts: install, read, uninstall, extension
 * values and environment attachments. Secret extension values are encrypted before they are stored
 * and never leave this service: responses show {@code "******"} and no message names a value.
 * Whether a value is shown masked is decided by whether its key is secret for the instance now
 * ({@link ExtensionValueStore}), not by whether it happens to be encrypted yet: a value set while its
 * key was not secret is masked from the moment a release declares the key secret, although it stays
 * plain until it is encrypted.
 */
@Singleton
public class InstanceService {

    /** How a secret value is shown. */
    public static final String MASK = "******";

    private final IntegrationPackRepository packs;
    private final InstanceRepository instances;
    private final ExtensionValueStore extensionValues;
    private final EnvironmentAttachmentRepository attachments;
    private final ApplyRequestRepository applyRequests;
    private final EnvironmentRepository environments;
    private final DeploymentRepository deployments;
    private final ReleaseFanOutStore fanOut;
    private final Tenancy tenancy;
    private final SecretCipher cipher;
    private final Clock clock;

    InstanceService(
            IntegrationPackRepository packs,
            InstanceRepository instances,
            ExtensionValueStore extensionValues,
            EnvironmentAttachmentRepository attachments,
            ApplyRequestRepository applyRequests,
            EnvironmentRepository environments,
            DeploymentRepository deployments,
            ReleaseFanOutStore fanOut,
            Tenancy tenancy,
            SecretCipher cipher,
            Clock clock) {
        this.packs = packs;
        this.instances = instances;
        this.extensionValues = extensionValues;
        this.attachments = attachments;
        this.applyRequests = applyRequests;
        this.environments = environments;
        this.deployments = deployments;
        this.fanOut = fanOut;
        this.tenancy = tenancy;
        this.cipher = cipher;
        this.clock = clock;
    }

    /** Installs a pack visible to the account on its current release. */
    @Transactional
    public InstanceResponse install(Caller caller, InstallInstanceRequest request) {
        UUID account = tenancy.actingFor(caller, request.accountId());
        IntegrationPackEntity pack = packs.lockVisibleToAccount(request.integrationPackId(), account)
                .orElseThrow(() -> ApiException.notFound("There is no integration pack " + request.integrationPackId()
                        + " that this account can install. List the installable packs with GET"
                        + " /api/v1/available-integration-packs."));
        if (pack.currentReleaseId() == null) {
            throw ApiException.conflict("The integration pack '" + pack.name() + "' has no current release yet, so it"
                    + " cannot be installed. Install it once its partner has released it.");
        }
        String overrideName = request.integrationPackOverrideName();
        if (pack.installationType() == InstallationType.SINGLE && overrideName != null) {
            throw ApiException.invalidField(
                    "integrationPackOverrideName", "must be absent: the pack is SINGLE, it has one unnamed instance");
        }
        if (pack.installationType() == InstallationType.MULTI && overrideName == null) {
            throw ApiException.invalidField(
                    "integrationPackOverrideName",
                    "is required: the pack is MULTI, each of its instances in an account has its own name");
        }
        UUID id = Ids.next();
        Map<String, String> given = request.extensionValues() == null ? Map.of() : request.extensionValues();
        List<ExtensionValueStore.StoredValue> values =
                checkedValues("extensionValues", id, pack.id(), pack.currentReleaseId(), given, Map.of());
        Instant now = now();
        if (instances.insertUnlessTaken(id, account, pack.id(), overrideName, pack.currentReleaseId(), now) == 0) {
            throw ApiException.conflict(
                    pack.installationType() == InstallationType.SINGLE
                            ? "The account has already installed the integration pack '" + pack.name() + "'. It is"
                                    + " a SINGLE pack: an account has at most one instance of it (GET"
                                    + " /api/v1/integration-pack-instances)."
                            : "The account already has an instance of the integration pack '" + pack.name()
                                    + "' named '" + overrideName + "'. Choose another integrationPackOverrideName.");
        }
        extensionValues.replaceValues(id, values);
        return get(account, id);
    }

    /** The account's instances in creation order. */
    @Transactional
    public PageResponse<InstanceResponse> list(Caller caller, @Nullable UUID accountId, PageRequest page) {
        UUID account = tenancy.actingFor(caller, accountId);
        List<Instance> rows = instances.findPage(account, page.after(), page.fetchSize());
        // an instance may hold many long extension values: the page is cut by their size first, and
        // only the values of the instances on it are loaded
        Map<UUID, EmbeddedSize> sizes =
                instances.embeddedSizes(rows.stream().map(Instance::id).toList());
        return page.slice(
                        rows,
                        Instance::id,
                        instance -> InstanceResponse.approximateBytes(
                                instance, sizes.getOrDefault(instance.id(), EmbeddedSize.none(instance.id()))))
                .mapAll(shown -> {
                    Map<UUID, InstanceResponse> responses = responses(shown);
                    return shown.stream()
                            .map(instance -> responses.get(instance.id()))
                            .toList();
                });
    }

    /** One of the account's instances. */
    @Transactional
    public InstanceResponse get(Caller caller, @Nullable UUID accountId, UUID id) {
        return get(tenancy.actingFor(caller, accountId), id);
    }

    /** Uninstalls an instance: its values and environment attachments go with it. */
    @Transactional
    public void delete(Caller caller, @Nullable UUID accountId, UUID id) {
        UUID account = tenancy.actingFor(caller, accountId);
        if (instances.deleteOwned(id, account) == 0) {
            throw instanceNotFound(id);
        }
    }

    /**
     * Replaces the extension values of an instance. When its pack's current release failed on it
     * and the new values let it take that release, it is caught up in the same transaction ({@link
     * ReleaseFanOutStore#catchUp}): the response shows it on the current release.
     */
    @Transactional
    public InstanceResponse updateExtensions(
            Caller caller, @Nullable UUID accountId, UUID id, UpdateExtensionsRequest request) {
        UUID account = tenancy.actingFor(caller, accountId);
        if (instances.lockOwned(id, account).isEmpty()) {
            throw instanceNotFound(id);
        }
        Instance instance = instances.findOwned(id, account).orElseThrow(() -> instanceNotFound(id));
        Map<String, ExtensionValueStore.InstanceValue> stored = new LinkedHashMap<>();
        for (ExtensionValueStore.InstanceValue value :
                extensionValues.values(List.of(id)).getOrDefault(id, List.of())) {
            stored.put(value.key(), value);
        }
        List<ExtensionValueStore.StoredValue> values =
                checkedValues("values", id, instance.packId(), instance.installedReleaseId(), request.values(), stored);
        extensionValues.replaceValues(id, values);
        Instant now = now();
        instances.touch(id, now);
        fanOut.catchUp(id, now);
        return get(account, id);
    }

    /** Attaches an environment of the account to one of its instances. */
    @Transactional
    public EnvironmentAttachmentResponse attach(Caller caller, UUID instanceId, AttachEnvironmentRequest request) {
        UUID account = tenancy.actingFor(caller, request.accountId());
        if (instances.lockOwned(instanceId, account).isEmpty()) {
            throw instanceNotFound(instanceId);
        }
        environments
                .lockOwned(request.environmentId(), account)
                .orElseThrow(() -> EnvironmentService.environmentNotFound(request.environmentId()));
        UUID id = Ids.next();
        if (attachments.attachUnlessAttached(id, request.environmentId(), instanceId, now()) == 0) {
            throw ApiException.conflict("The environment " + request.environmentId() + " is already attached to the"
                    + " instance " + instanceId + ".");
        }
        // the instance row is locked, so no concurrent attach counts past the limit; the refusal rolls
        // the insert back
        if (attachments.countByInstance(instanceId) > EnvironmentAttachmentRepository.MAX_ENVIRONMENTS_PER_INSTANCE) {
            throw ApiException.conflict("The instance " + instanceId + " is attached to "
                    + EnvironmentAttachmentRepository.MAX_ENVIRONMENTS_PER_INSTANCE
                    + " environments, the most an instance can be"
                    + " attached to. Detach one first (DELETE /api/v1/integration-pack-instances/" + instanceId
                    + "/environment-attachments/{environmentId}).");
        }
        return new EnvironmentAttachmentResponse(id, request.environmentId(), instanceId);
    }

    /** Detaches an environment from one of the account's instances. */
    @Transactional
    public void detach(Caller caller, @Nullable UUID accountId, UUID instanceId, UUID environmentId) {
        UUID account = tenancy.actingFor(caller, accountId);
        if (instances.lockOwned(instanceId, account).isEmpty()) {
            throw instanceNotFound(instanceId);
        }
        if (attachments.detach(environmentId, instanceId) == 0) {
            throw ApiException.notFound(
                    "The environment " + environmentId + " is not attached to the instance " + instanceId + ".");
        }
    }

    /**
     * Checks values against the extensions of the installed release, the pack's pending release
     * and, for an instance behind it, the pack's current release ({@link
     * ExtensionValueStore#declaredExtensions}), and turns them into what is stored: encrypted when the key is secret for the
     * instance. {@code "******"} for a value that is shown masked keeps it (encrypting it if it is
     * still plain because its key became secret after it was set). No message carries a value.
     */
    private List<ExtensionValueStore.StoredValue> checkedValues(
            String field,
            UUID instanceId,
            UUID packId,
            UUID installedReleaseId,
            Map<String, String> given,
            Map<String, ExtensionValueStore.InstanceValue> stored) {
        Map<String, ExtensionValueStore.DeclaredExtension> declared =
                extensionValues.declaredExtensions(packId, installedReleaseId);
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> sorted = new TreeMap<>();
        // in key order, so that messages list the keys in an order a person can follow
        for (Map.Entry<String, String> entry : new TreeMap<>(given).entrySet()) {
            String key = entry.getKey();
            String path = field + "." + key;
            if (!declared.containsKey(key)) {
                errors.add(new FieldError(
                        field,
                        "key '" + printable(key) + "' is not an extension of the installed release, of the pack's"
                                + " pending release or of its current release"));
            } else if (entry.getValue() == null) {
                errors.add(new FieldError(path, "must be a string, not null"));
            } else if (entry.getValue().length() > ExtensionValueLimits.MAX_VALUE_LENGTH) {
                errors.add(new FieldError(
                        path,
                        "must be at most " + ExtensionValueLimits.MAX_VALUE_LENGTH
                                + " characters, the limit of an extension value"));
            } else if (!declared.get(key).secret() && entry.getValue().indexOf('\0') >= 0) {
                errors.add(new FieldError(path, "must not contain NUL characters"));
            } else {
                sorted.put(key, entry.getValue());
            }
        }
        long totalBytes = given.values().stream()
                .filter(value -> value != null)
                .mapToLong(value -> value.getBytes(StandardCharsets.UTF_8).length)
                .sum();
        if (totalBytes > ExtensionValueLimits.MAX_TOTAL_BYTES) {
            errors.add(new FieldError(
                    field,
                    "hold " + totalBytes + " bytes of UTF-8 in all; at most " + ExtensionValueLimits.MAX_TOTAL_BYTES
                            + " (512 KiB) are allowed, the limit of all extension values of an instance"));
        }
        for (ExtensionValueStore.DeclaredExtension extension : declared.values()) {
            if (extension.mustBeGiven() && !given.containsKey(extension.key())) {
                errors.add(new FieldError(
                        field + "." + extension.key(),
                        "is required: the installed release declares it required without a default value"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidFields(errors);
        }
        List<ExtensionValueStore.StoredValue> values = new ArrayList<>();
        for (Map.Entry<String, String> entry : sorted.entrySet()) {
            String key = entry.getKey();
            String owner = ExtensionValueStore.owner(instanceId, key);
            ExtensionValueStore.InstanceValue kept = stored.get(key);
            if (MASK.equals(entry.getValue()) && kept != null && kept.masked()) {
                byte[] encrypted =
                        kept.encryptedValue() != null ? kept.encryptedValue() : cipher.encrypt(owner, kept.value());
                values.add(new ExtensionValueStore.StoredValue(key, null, encrypted));
            } else if (declared.get(key).secret()) {
                values.add(new ExtensionValueStore.StoredValue(key, null, cipher.encrypt(owner, entry.getValue())));
            } else {
                values.add(new ExtensionValueStore.StoredValue(key, entry.getValue(), null));
            }
        }
        return values;
    }

    /**
     * The first half of applying the pending update: checks that the instance waits for a release it
     * can take and queues the manual apply durably. For a release that is being applied to everyone
     * already, the queued request only marks that the caller waits: the fan-out handles it together
     * with the instance.
     *
     * @return the account acted for and the release the instance waits for
     */
    @Transactional
    public PendingUpdateRequest requestPendingUpdate(Caller caller, @Nullable UUID accountId, UUID id) {
        UUID account = tenancy.actingFor(caller, accountId);
        if (instances.lockOwned(id, account).isEmpty()) {
            throw instanceNotFound(id);
        }
        PendingApply pending = applyRequests.findPendingApply(id).orElse(null);
        if (pending == null) {
            if (applyRequests.hasOpenReleaseApplied(id)) {
                return new PendingUpdateRequest(account, null);
            }
            throw ApiException.conflict("No update is pending for integration pack instance " + id
                    + ": it runs the newest release of its pack, or has an outcome for it already.");
        }
        CappedList<String> missing = extensionValues.missingRequiredExtensions(id, pending.releaseId());
        if (!missing.isEmpty()) {
            throw cannotTake(id, pending.releaseNumber(), missing);
        }
        applyRequests.requestApply(pending.releaseId(), id, now());
        return new PendingUpdateRequest(account, pending);
    }

    /**
     * Whether the requested manual apply is still queued: nothing has handled it yet, so its
     * outcome is still to come (one index lookup, for the wait's start; {@link
     * #pendingUpdateProgress} says where it stands once it is handled).
     */
    @Transactional
    public boolean stillQueued(PendingUpdateRequest request, UUID id) {
        return request.pending() != null
                && applyRequests.isApplyQueued(request.pending().releaseId(), id);
    }

    /** Where a requested manual apply stands. */
    @Transactional
    public PendingUpdateProgress pendingUpdateProgress(PendingUpdateRequest request, UUID id) {
        InstanceResponse instance = get(request.accountId(), id);
        PendingApply pending = request.pending();
        if (pending == null || instance.installedReleaseNumber() >= pending.releaseNumber()) {
            return new PendingUpdateProgress(instance, true, null);
        }
        if (applyRequests.isApplyQueued(pending.releaseId(), id)) {
            return new PendingUpdateProgress(instance, false, null);
        }
        CappedList<String> missing = extensionValues.missingRequiredExtensions(id, pending.releaseId());
        return new PendingUpdateProgress(
                instance, false, missing.isEmpty() ? null : cannotTake(id, pending.releaseNumber(), missing));
    }

    private static ApiException cannotTake(UUID id, int releaseNumber, CappedList<String> missing) {
        boolean one = missing.total() == 1;
        return ApiException.unprocessable("Integration pack instance " + id + " cannot take release " + releaseNumber
                + ": it requires a value for the extension" + (one ? " " : "s ")
                + missing.quoted(InstanceService::printable) + ", which " + (one ? "has" : "have")
                + " no default. Set " + (one ? "it" : "them") + " with PUT /api/v1/integration-pack-instances/" + id
                + "/extensions, then apply again.");
    }

    /**
     * A queued (or already running) apply of the pending release.
     *
     * @param accountId the account acted for
     * @param pending the release the instance waits for; {@code null} when it has it applied already
     */
    public record PendingUpdateRequest(
            UUID accountId, @Nullable PendingApply pending) {}

    /**
     * @param instance the instance now
     * @param applied whether it runs the release (or a newer one)
     * @param rejection why it cannot take the release, when its request was dropped for that
     */
    public record PendingUpdateProgress(
            InstanceResponse instance,
            boolean applied,
            @Nullable ApiException rejection) {}

    private static String printable(String key) {
        String shown = key.length() > 100 ? key.substring(0, 100) + "…" : key;
        return shown.replace('\0', '?');
    }

    // An instance's values are only ever replaced as a whole from one request body of at most
    // micronaut.server.max-request-size (1 MB), and it lists at most
    // EnvironmentAttachmentRepository.MAX_ENVIRONMENTS_PER_INSTANCE environments, so one instance stays about that
    // size.
    private InstanceResponse get(UUID account, UUID id) {
        Instance instance = instances.findOwned(id, account).orElseThrow(() -> instanceNotFound(id));
        return responses(List.of(instance)).get(id);
    }

    private Map<UUID, InstanceResponse> responses(List<Instance> page) {
        if (page.isEmpty()) {
            return Map.of();
        }
        List<UUID> ids = page.stream().map(Instance::id).toList();
        Map<UUID, List<UUID>> attached = attachments.environmentIds(ids);
        Map<UUID, List<InstanceDeployment>> reported = deployments.byInstance(ids);
        Map<UUID, List<ExtensionValueStore.InstanceValue>> values = extensionValues.values(ids);
        Map<UUID, InstanceResponse> responses = new LinkedHashMap<>();
        for (Instance instance : page) {
            Map<String, String> shown = new LinkedHashMap<>();
            for (ExtensionValueStore.InstanceValue value : values.getOrDefault(instance.id(), List.of())) {
                shown.put(value.key(), value.masked() ? MASK : value.value());
            }
            responses.put(
                    instance.id(),
                    new InstanceResponse(
                            instance.id(),
                            instance.accountId(),
                            instance.packId(),
                            instance.packName(),
                            instance.installationType(),
                            instance.overrideName(),
                            instance.installedReleaseNumber(),
                            instance.pendingUpdate() == null
                                    ? null
                                    : new InstanceResponse.PendingUpdate(
                                            instance.pendingUpdate().releaseNumber(),
                                            instance.pendingUpdate().releaseOnDate(),
                                            instance.pendingUpdate().windowStart()),
                            attached.getOrDefault(instance.id(), List.of()),
                            reported.getOrDefault(instance.id(), List.of()).stream()
                                    .map(report -> new InstanceResponse.Deployment(
                                            report.environmentId(),
                                            report.releaseNumber(),
                                            report.state(),
                                            report.message(),
                                            report.reportedAt()))
                                    .toList(),
                            shown,
                            instance.createdAt()));
        }
        return responses;
    }

    /** The 404 of an instance that the account acted for does not have. */
    public static ApiException instanceNotFound(UUID id) {
        return ApiException.notFound("The account has no integration pack instance " + id + ". List its instances"
                + " with GET /api/v1/integration-pack-instances.");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
