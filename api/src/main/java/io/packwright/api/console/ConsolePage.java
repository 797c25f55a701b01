package io.packwright.api.console;

import io.micronaut.core.annotation.Nullable;
import io.packwright.api.auth.Caller;
import java.time.ZoneId;
import java.util.List;

/**
 * What every console page's layout needs: its title, the CSRF token htmx sends, who is signed in and
 * the navigation of their role.
 *
 * @param title the page's title
 * @param csrfToken the token for {@link ConsoleSessions#CSRF_HEADER}
 * @param signedInAs the signed-in account's name ("Platform operator" for an operator); {@code null}
 *     on the sign-in page
 * @param zone the viewer's account time zone (UTC for operators)
 * @param navigation the links of the viewer's role
 */
public record ConsolePage(
        String title, String csrfToken, @Nullable String signedInAs, ZoneId zone, List<Link> navigation) {

    /** A navigation link. */
    public record Link(String label, String href) {}

    static ConsolePage anonymous(String title, String csrfToken) {
        return new ConsolePage(title, csrfToken, null, ZoneId.of("UTC"), List.of());
    }

    static ConsolePage of(String title, String csrfToken, Caller caller) {
        if (caller.isAdmin()) {
            return new ConsolePage(title, csrfToken, "Platform operator", zoneOf(caller), OPERATOR);
        }
        return new ConsolePage(
                title, csrfToken, caller.account().name(), zoneOf(caller), caller.isPartner() ? PARTNER : MANAGED);
    }

    // Manage › … for partners, Deploy › … for managed accounts
    private static final List<Link> PARTNER = List.of(
            new Link("Integration Packs", ConsolePaths.PACKS),
            new Link("Account Groups", ConsolePaths.ACCOUNT_GROUPS),
            new Link("Managed Accounts", ConsolePaths.MANAGED_ACCOUNTS),
            new Link("Webhooks", ConsolePaths.WEBHOOK_ENDPOINTS));
    private static final List<Link> MANAGED = List.of(
            new Link("Integration Packs", ConsolePaths.AVAILABLE_PACKS),
            new Link("Installed", ConsolePaths.INSTANCES),
            new Link("Environments", ConsolePaths.ENVIRONMENTS),
            new Link("Runtimes", ConsolePaths.RUNTIMES),
            new Link("Process Schedules", ConsolePaths.PROCESS_SCHEDULES));
    private static final List<Link> OPERATOR = List.of(new Link("Partner Accounts", ConsolePaths.PARTNER_ACCOUNTS));

    /** The time zone the caller sees times in: its account's, UTC for operators. */
    static ZoneId zoneOf(Caller caller) {
        String zone = caller.account() == null ? null : caller.account().timeZone();
        return zone == null ? ZoneId.of("UTC") : ZoneId.of(zone);
    }
}
