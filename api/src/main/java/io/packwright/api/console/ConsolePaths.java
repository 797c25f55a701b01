package io.packwright.api.console;

import java.util.UUID;

/** The console's URL space. */
final class ConsolePaths {

    static final String ROOT = "/console";
    static final String SIGN_IN = ROOT + "/sign-in";
    static final String PACKS = ROOT + "/packs";

    private ConsolePaths() {}

    /** One pack's page. */
    static String pack(UUID packId) {
        return PACKS + "/" + packId;
    }

    static boolean isConsole(String path) {
        return path.equals(ROOT) || path.startsWith(ROOT + "/");
    }
}
