package io.packwright.api.console;

import io.packwright.api.auth.Caller;
import java.util.UUID;

/** The console's URL space. */
final class ConsolePaths {

    static final String ROOT = "/console";
    static final String SIGN_IN = ROOT + "/sign-in";
    // the partner's pages
    static final String PACKS = ROOT + "/packs";
    static final String RELEASES = ROOT + "/releases";
    static final String ACCOUNT_GROUPS = ROOT + "/account-groups";
    static final String MANAGED_ACCOUNTS = ROOT + "/managed-accounts";
    static final String WEBHOOK_ENDPOINTS = ROOT + "/webhook-endpoints";
    // the managed account's pages
    static final String AVAILABLE_PACKS = ROOT + "/available-packs";
    static final String INSTANCES = ROOT + "/instances";
    static final String ENVIRONMENTS = ROOT + "/environments";
    static final String RUNTIMES = ROOT + "/runtimes";
    static final String PROCESS_SCHEDULES = ROOT + "/process-schedules";
    // the operator's pages
    static final String PARTNER_ACCOUNTS = ROOT + "/partner-accounts";

    private ConsolePaths() {}

    /** One pack's page. */
    static String pack(UUID packId) {
        return PACKS + "/" + packId;
    }

    /** One release's page. */
    static String release(UUID releaseId) {
        return RELEASES + "/" + releaseId;
    }

    /** One instance's page. */
    static String instance(UUID instanceId) {
        return INSTANCES + "/" + instanceId;
    }

    /** The first page of the caller's role. */
    static String home(Caller caller) {
        if (caller.isAdmin()) {
            return PARTNER_ACCOUNTS;
        }
        return caller.isPartner() ? PACKS : AVAILABLE_PACKS;
    }

    static boolean isConsole(String path) {
        return path.equals(ROOT) || path.startsWith(ROOT + "/");
    }
}
