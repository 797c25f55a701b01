package io.packwright.api.releases;

import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.packwright.activities.store.CappedList;
import io.packwright.activities.store.Ids;
import io.packwright.activities.store.group.AccountGroupRepository;
import io.packwright.activities.store.pack.IntegrationPackRepository;
import io.packwright.activities.store.pack.IntegrationPackStore;
import io.packwright.activities.store.pack.PackSummary;
import io.packwright.activities.store.release.LedgerEntry;
import io.packwright.activities.store.release.NewRelease;
import io.packwright.activities.store.release.ReleasePreviewStore;
import io.packwright.activities.store.release.ReleaseRecord;
import io.packwright.activities.store.release.ReleaseStore;
import io.packwright.activities.store.runtime.DeploymentRepository;
import io.packwright.activities.store.runtime.InstanceDeployment;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.idempotency.Created;
import io.packwright.api.packs.IntegrationPacks;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import io.packwright.workflows.release.ReleaseSchedule;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Releasing a partner's integration packs and reading their releases. A release row is written
 * first; its workflow is started once the row is committed ({@link ReleaseWorkflowLauncher}).
 */
@Singleton
public class ReleaseService {

    private final IntegrationPackRepository packs;
    private final IntegrationPackStore summaries;
    private final ReleaseStore releases;
    private final ApplicationEventPublisher<ReleaseCreated> events;
    private final Tenancy tenancy;
    private final Clock clock;
    private final DeploymentRepository deploymentReports;
    private final ReleasePreviewStore previews;
    private final AccountGroupRepository groups;

    ReleaseService(
            IntegrationPackRepository packs,
            IntegrationPackStore summaries,
            ReleaseStore releases,
            ApplicationEventPublisher<ReleaseCreated> events,
            DeploymentRepository deploymentReports,
            ReleasePreviewStore previews,
            AccountGroupRepository groups,
            Tenancy tenancy,
            Clock clock) {
        this.groups = groups;
        this.deploymentReports = deploymentReports;
        this.previews = previews;
        this.packs = packs;
        this.summaries = summaries;
        this.releases = releases;
        this.events = events;
        this.tenancy = tenancy;
        this.clock = clock;
    }

    /**
     * Releases the pack's members with their newest shareable packages, or, with {@code contentOf},
     * exactly the packages of an earlier release (a rollback as a new release). The pack row stays
     * locked until the transaction ends, so concurrent releases of one pack get consecutive numbers
     * and at most one of them is scheduled.
     */
    @Transactional
    public Created<ReleaseResponse> create(Caller caller, UUID packId, CreateReleaseRequest request) {
        UUID partner = tenancy.packManager(caller);
        Instant now = clock.instant();
        ReleaseWindow window = window(request, ZoneId.of(caller.account().timeZone()), now);
        packs.lockLive(packId, partner).orElseThrow(() -> IntegrationPacks.notFound(packId));
        NewRelease.Rollout rollout = rollout(partner, request);
        PackSummary pack = summaries.findSummary(partner, packId).orElseThrow(() -> IntegrationPacks.notFound(packId));
        List<ApiException> blockers = blockers(packId, pack, request);
        if (!blockers.isEmpty()) {
            throw blockers.get(0);
        }
        UUID id = Ids.next();
        ReleaseStore.CreatedRelease created = releases.create(new NewRelease(
                id,
                packId,
                request.releaseSchedule(),
                request.releaseOnDate(),
                window == null ? null : window.start(),
                window == null ? null : window.end(),
                request.releaseNotes(),
                request.contentOf(),
                rollout,
                now));
        events.publishEvent(new ReleaseCreated(created));
        ReleaseRecord release = releases.find(partner, id).orElseThrow();
        return new Created<>(HttpStatus.ACCEPTED, ReleaseResponse.of(release), "/api/v1/releases/" + id);
    }

    /**
     * What creating the release {@code request} asks for would hold, reach and fail on, and the
     * errors it would answer now ({@code blockers}), without changing anything: the same rules as
     * {@link #create}, read without locking the pack.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ReleasePreviewResponse preview(Caller caller, UUID packId, CreateReleaseRequest request) {
        UUID partner = tenancy.packManager(caller);
        packs.findLive(packId, partner).orElseThrow(() -> IntegrationPacks.notFound(packId));
        PackSummary pack = summaries.findSummary(partner, packId).orElseThrow(() -> IntegrationPacks.notFound(packId));
        List<ApiException> blockers = new ArrayList<>();
        ReleaseWindow window = null;
        try {
            window = window(request, ZoneId.of(caller.account().timeZone()), clock.instant());
        } catch (ApiException invalid) {
            blockers.add(invalid);
        }
        NewRelease.Rollout rollout = null;
        try {
            rollout = rollout(partner, request);
        } catch (ApiException invalid) {
            blockers.add(invalid);
        }
        blockers.addAll(blockers(packId, pack, request));
        boolean rollbackTargetExists = request.contentOf() == null
                || releases.rollbackSource(packId, request.contentOf()).exists();
        List<ReleaseRecord.Component> content =
                rollbackTargetExists ? releases.prospectiveContent(packId, request.contentOf()) : List.of();
        // a rollback to a release the pack does not have holds nothing to compare
        List<ReleaseRecord.Component> current = rollbackTargetExists ? previews.currentContent(packId) : List.of();
        ReleasePreviewStore.Reach reach = previews.reach(
                packId,
                content.stream().map(ReleaseRecord.Component::packageId).toList(),
                ReleasePreviewResponse.FAILURE_GROUPS_SHOWN,
                ReleasePreviewResponse.MISSING_KEYS_SHOWN);
        List<ReleasePreviewResponse.Wave> waves = rollout == null
                ? List.of(new ReleasePreviewResponse.Wave("100%", reach.instances()))
                : waves(packId, rollout);
        return ReleasePreviewResponse.of(current, content, window, reach, waves, blockers);
    }

    /**
     * The window of a scheduled release (in the partner's time zone {@code zone}); {@code null} for
     * an immediate one. {@code 400} when the date is missing, present for {@code IMMEDIATELY}, or
     * out of range.
     */
    private static ReleaseWindow window(CreateReleaseRequest request, ZoneId zone, Instant now) {
        if (request.releaseSchedule() == ReleaseSchedule.IMMEDIATELY) {
            if (request.releaseOnDate() != null) {
                throw ApiException.invalidField(
                        "releaseOnDate",
                        "must be absent for IMMEDIATELY; use RELEASE_ON_SPECIFIED_DATE to release on a date");
            }
            return null;
        }
        return ReleaseWindow.of("releaseOnDate", request.releaseOnDate(), zone, now);
    }

    /** The staged rollout the request asks for, checked ({@code 400}); {@code null} when it asks for none. */
    private NewRelease.Rollout rollout(UUID partner, CreateReleaseRequest request) {
        return Rollouts.check(
                request.rollout(),
                request.releaseSchedule(),
                group -> groups.findOwned(group, partner).isPresent());
    }

    /** How the rollout's waves would split the pack's instances now. */
    private List<ReleasePreviewResponse.Wave> waves(UUID packId, NewRelease.Rollout rollout) {
        List<Long> counts = previews.waveInstances(packId, rollout.waves());
        List<ReleasePreviewResponse.Wave> waves = new ArrayList<>();
        for (int wave = 0; wave < counts.size(); wave++) {
            waves.add(new ReleasePreviewResponse.Wave(
                    Rollouts.target(rollout.waves().get(wave)), counts.get(wave)));
        }
        return waves;
    }

    /**
     * The errors that creating {@code request} for the pack would answer now, in the order {@link
     * #create} checks them (it answers the first): its content, then the pack's pending release.
     */
    private List<ApiException> blockers(UUID packId, PackSummary pack, CreateReleaseRequest request) {
        List<ApiException> blockers = new ArrayList<>();
        (request.contentOf() != null ? rollbackBlocker(packId, request.contentOf()) : contentBlocker(packId, pack))
                .ifPresent(blockers::add);
        if (request.releaseSchedule() == ReleaseSchedule.RELEASE_ON_SPECIFIED_DATE && pack.pending() != null) {
            blockers.add(ApiException.conflict("Integration pack " + packId + " already has a pending release"
                    + " (release " + pack.pending().releaseNumber() + " on "
                    + pack.pending().releaseOnDate()
                    + "); a pack has one pending release at a time. Release IMMEDIATELY to supersede it."));
        }
        return blockers;
    }

    /**
     * A rollback holds an earlier release's packages: that release must exist, and its content must
     * differ from the newest release's (else nothing would change). Its content was consistent when
     * it was released, so the members' extension settings are not checked again.
     */
    private Optional<ApiException> rollbackBlocker(UUID packId, int contentOf) {
        ReleaseStore.RollbackSource source = releases.rollbackSource(packId, contentOf);
        if (!source.exists()) {
            return Optional.of(ApiException.invalidField(
                    "contentOf",
                    "integration pack " + packId + " has no release " + contentOf + "; list its releases with GET"
                            + " /api/v1/integration-packs/" + packId + "/releases"));
        }
        if (!source.differs()) {
            return Optional.of(ApiException.conflict("Nothing to roll back to: release " + contentOf
                    + " of integration pack " + packId + " holds the same packages as its newest release ("
                    + source.newestNumber() + "). Name a release whose content differs in contentOf."));
        }
        return Optional.empty();
    }

    /** A release of the members' newest packages needs members, something new, and consistent extensions. */
    private Optional<ApiException> contentBlocker(UUID packId, PackSummary pack) {
        if (pack.componentCount() == 0) {
            return Optional.of(ApiException.conflict("Integration pack " + packId + " has no components to release;"
                    + " add one with PUT /api/v1/integration-packs/" + packId + "/components/{componentId}."));
        }
        if (!pack.hasUnreleasedChanges()) {
            return Optional.of(ApiException.conflict("Nothing to release: the newest release of integration pack "
                    + packId + " already holds the newest shareable package of every component. Add a component"
                    + " or a new shareable package first."));
        }
        CappedList<String> conflicts = releases.memberExtensionConflicts(packId);
        if (!conflicts.isEmpty()) {
            return Optional.of(ApiException.conflict("The newest shareable packages of the pack's components declare"
                    + " extensions with different settings: " + conflicts.describe(conflict -> conflict, ", ")
                    + ". Components shared between processes must have the same extensibility settings; package a"
                    + " component again so that they agree, or remove one of them from the pack."));
        }
        return Optional.empty();
    }

    /** The releases of one of the partner's packs, newest first. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public PageResponse<ReleaseResponse> list(Caller caller, UUID packId, PageRequest page) {
        UUID partner = tenancy.packManager(caller);
        packs.findLive(packId, partner).orElseThrow(() -> IntegrationPacks.notFound(packId));
        // a release holds up to 100 components and 10,000 characters of notes: the page is cut by their
        // size first, and only the components of the releases on it are loaded
        List<ReleaseRecord> rows = releases.findPageWithoutComponents(partner, packId, page.before(), page.fetchSize());
        Map<UUID, ReleaseStore.ContentSize> sizes =
                releases.contentSizes(rows.stream().map(ReleaseRecord::id).toList());
        return page.slice(
                        rows,
                        ReleaseRecord::id,
                        release -> ReleaseResponse.approximateBytes(
                                release, sizes.getOrDefault(release.id(), ReleaseStore.ContentSize.NONE)))
                .mapAll(shown -> releases.withComponents(shown).stream()
                        .map(ReleaseResponse::of)
                        .toList());
    }

    /**
     * One release of the partner's packs: its components are the pack's members when it was created,
     * at most {@link io.packwright.activities.store.pack.IntegrationPackRepository#MAX_MEMBERS}.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ReleaseResponse get(Caller caller, UUID releaseId) {
        return ReleaseResponse.of(find(caller, releaseId));
    }

    /** The per-instance ledger of one release, in instance order. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public PageResponse<ReleaseInstanceResponse> instances(
            Caller caller, UUID releaseId, @Nullable LedgerEntry.Status status, PageRequest page) {
        ReleaseRecord release = find(caller, releaseId);
        // failure reasons vary in length; everything else of an entry has a fixed size
        return page.slice(
                        releases.ledgerPage(release, status, page.after(), page.fetchSize()),
                        LedgerEntry::instanceId,
                        ReleaseInstanceResponse::approximateBytes)
                .map(ReleaseInstanceResponse::of);
    }

    /**
     * The runtimes' deployment reports for the release (instance x environment), in report order,
     * optionally only those in {@code state}.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public PageResponse<ReleaseDeploymentResponse> deployments(
            Caller caller, UUID releaseId, @Nullable DeploymentReportState state, PageRequest page) {
        ReleaseRecord release = find(caller, releaseId);
        List<InstanceDeployment> rows = state == null
                ? deploymentReports.findPageByRelease(release.id(), page.after(), page.fetchSize())
                : deploymentReports.findPageByReleaseAndState(
                        release.id(), state.name(), page.after(), page.fetchSize());
        return page.slice(rows, InstanceDeployment::id, ReleaseDeploymentResponse::approximateBytes)
                .map(ReleaseDeploymentResponse::of);
    }

    /** The states of deployment reports, to filter by. */
    public enum DeploymentReportState {
        DEPLOYED,
        FAILED
    }

    private ReleaseRecord find(Caller caller, UUID releaseId) {
        UUID partner = tenancy.packManager(caller);
        return releases.find(partner, releaseId)
                .orElseThrow(() -> ApiException.notFound("No release " + releaseId + " of your integration packs."));
    }
}
