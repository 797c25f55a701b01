package io.packwright.api.packs;

import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.data.exceptions.DataAccessException;
import io.packwright.activities.store.ConstraintViolations;
import io.packwright.activities.store.Ids;
import io.packwright.activities.store.pack.InstallationType;
import io.packwright.activities.store.pack.IntegrationPackEntity;
import io.packwright.activities.store.pack.IntegrationPackRepository;
import io.packwright.activities.store.pack.IntegrationPackStore;
import io.packwright.activities.store.pack.PackDeletionRepository;
import io.packwright.activities.store.pack.PackSummary;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A partner's integration packs: creating, reading, renaming and deleting them. Only partners with
 * the feature {@code integrationPackManagement} manage packs; a pack of another partner, or a
 * deleted one, is not found.
 */
@Singleton
public class IntegrationPackService {

    private final IntegrationPackRepository packs;
    private final IntegrationPackStore summaries;
    private final PackDeletionRepository deletion;
    private final Tenancy tenancy;
    private final ApplicationEventPublisher<PackDeleted> events;
    private final Clock clock;

    IntegrationPackService(
            IntegrationPackRepository packs,
            IntegrationPackStore summaries,
            PackDeletionRepository deletion,
            Tenancy tenancy,
            ApplicationEventPublisher<PackDeleted> events,
            Clock clock) {
        this.events = events;
        this.packs = packs;
        this.summaries = summaries;
        this.deletion = deletion;
        this.tenancy = tenancy;
        this.clock = clock;
    }

    /** Creates a pack; 409 when the partner has a pack of that name. */
    @Transactional
    public IntegrationPackResponse create(Caller caller, CreateIntegrationPackRequest request) {
        UUID partner = tenancy.packManager(caller);
        if (request.installationType() == InstallationType.MULTI
                && !caller.account().multiInstallPacks()) {
            throw ApiException.forbidden("The feature 'multiInstallIntegrationPacks' is not enabled for your account,"
                    + " so you can only create SINGLE packs; ask your platform operator to enable it.");
        }
        Instant now = now();
        IntegrationPackEntity pack = new IntegrationPackEntity(
                Ids.next(),
                partner,
                request.name(),
                Objects.requireNonNullElse(request.description(), ""),
                request.installationType(),
                null,
                0,
                now,
                now,
                null);
        uniqueName(request.name(), () -> packs.save(pack));
        return read(partner, pack.id());
    }

    /** One of the caller's packs. */
    @Transactional
    public IntegrationPackResponse get(Caller caller, UUID id) {
        return read(tenancy.packManager(caller), id);
    }

    /** The caller's packs in creation order. */
    @Transactional
    public PageResponse<IntegrationPackResponse> list(Caller caller, PageRequest page) {
        UUID partner = tenancy.packManager(caller);
        return page.toPage(
                summaries.findSummaryPage(partner, page.after(), page.fetchSize()),
                PackSummary::id,
                IntegrationPackResponse::of);
    }

    /** Renames a pack or changes its description; its installation type never changes. */
    @Transactional
    public IntegrationPackResponse update(Caller caller, UUID id, UpdateIntegrationPackRequest request) {
        UUID partner = tenancy.packManager(caller);
        if (request.installationType() != null) {
            throw ApiException.invalidField(
                    "installationType",
                    "cannot be changed once a pack is created; create a new pack for another installation type");
        }
        IntegrationPackEntity pack = packs.lockLive(id, partner).orElseThrow(() -> IntegrationPacks.notFound(id));
        if (request.name() != null || request.description() != null) {
            IntegrationPackEntity changed = new IntegrationPackEntity(
                    pack.id(),
                    pack.partnerAccountId(),
                    Objects.requireNonNullElse(request.name(), pack.name()),
                    Objects.requireNonNullElse(request.description(), pack.description()),
                    pack.installationType(),
                    pack.currentReleaseId(),
                    pack.lastReleaseNumber(),
                    pack.createdAt(),
                    now(),
                    pack.deletedAt());
            uniqueName(changed.name(), () -> packs.update(changed));
        }
        return read(partner, id);
    }

    /**
     * Deletes a pack for every client at once: it is invisible from now on, its name is free, its
     * open releases are cancelled and it leaves every account group. Its instances, attachments and
     * rows are removed afterwards by {@link DeletedPackSweeper}, which starts once this transaction
     * has committed (and at its next sweep after a crash).
     */
    @Transactional
    public void delete(Caller caller, UUID id) {
        UUID partner = tenancy.packManager(caller);
        Instant now = now();
        if (!deletion.markDeleted(id, partner, now)) {
            throw IntegrationPacks.notFound(id);
        }
        deletion.cancelOpenReleases(id, now);
        events.publishEvent(new PackDeleted(id));
    }

    private IntegrationPackResponse read(UUID partner, UUID id) {
        return summaries
                .findSummary(partner, id)
                .map(IntegrationPackResponse::of)
                .orElseThrow(() -> IntegrationPacks.notFound(id));
    }

    private static <T> T uniqueName(String name, Supplier<T> write) {
        try {
            return write.get();
        } catch (DataAccessException e) {
            if (ConstraintViolations.violates(e, IntegrationPackRepository.NAME_UNIQUE)) {
                throw ApiException.conflict("You already have an integration pack named '" + name
                        + "'. Pack names are unique among your packs: choose another name, or rename or delete"
                        + " the other pack.");
            }
            throw e;
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
