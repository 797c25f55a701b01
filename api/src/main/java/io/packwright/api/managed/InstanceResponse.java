package io.packwright.api.managed;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.managed.EmbeddedSize;
import io.packwright.activities.store.managed.Instance;
import io.packwright.activities.store.pack.InstallationType;
import io.packwright.api.paging.JsonBytes;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An installed integration pack instance.
 *
 * @param id the instance
 * @param accountId its managed account
 * @param integrationPackId its pack
 * @param integrationPackName the pack's name
 * @param installationType the pack's installation type
 * @param integrationPackOverrideName its name (MULTI packs); {@code null} for SINGLE packs
 * @param installedReleaseNumber the release it runs
 * @param pendingUpdate the pack's scheduled release that it has not applied; {@code null} when none
 * @param environmentIds the environments attached to it (at most 100)
 * @param deployments what the runtimes of those environments report they run for it: at most one
 *     report per environment, in report order
 * @param extensionValues its extension values; secret ones shown as {@code "******"}. At most 200,
 *     each at most 8192 characters, at most 512 KiB of UTF-8 together
 * @param createdAt when it was installed
 */
@Serdeable
public record InstanceResponse(
        UUID id,
        UUID accountId,
        UUID integrationPackId,
        String integrationPackName,
        InstallationType installationType,
        @Nullable String integrationPackOverrideName,
        int installedReleaseNumber,
        @Nullable @Schema(type = "object") PendingUpdate pendingUpdate,
        List<UUID> environmentIds,
        List<Deployment> deployments,
        Map<String, String> extensionValues,
        Instant createdAt) {

    // the fields without the variable texts and lists, with room for long numbers and instants
    private static final int FIXED_BYTES = 600;
    // one extension value without its key and value: quotes, colon, comma
    private static final int VALUE_BYTES = 6;
    // one deployment report without its message
    private static final int DEPLOYMENT_BYTES = 200;

    /**
     * About how many bytes the instance takes in a response body, from its row and the size of what
     * it embeds, before that is loaded.
     */
    static long approximateBytes(Instance instance, EmbeddedSize embedded) {
        return FIXED_BYTES
                + JsonBytes.text(instance.packName())
                + JsonBytes.text(instance.overrideName())
                + (long) VALUE_BYTES * embedded.extensionValues()
                + embedded.textBytes()
                + (long) InstanceService.MASK.length() * embedded.secretValues()
                + (long) JsonBytes.UUID * embedded.environments()
                + (long) DEPLOYMENT_BYTES * embedded.deployments()
                + embedded.deploymentTextBytes();
    }

    /**
     * What the runtime of one environment reports it runs for the instance.
     *
     * @param environmentId the environment
     * @param releaseNumber the release it runs
     * @param state {@code DEPLOYED} or {@code FAILED}
     * @param message what the runtime said; for {@code FAILED}, why
     * @param reportedAt when
     */
    @Serdeable
    public record Deployment(
            UUID environmentId,
            int releaseNumber,
            String state,
            @Nullable String message,
            Instant reportedAt) {}

    /**
     * A release that the instance can apply during its testing period.
     *
     * @param releaseNumber its number
     * @param releaseOnDate its day
     * @param windowStart when it is applied automatically
     */
    @Serdeable
    public record PendingUpdate(int releaseNumber, LocalDate releaseOnDate, Instant windowStart) {}
}
