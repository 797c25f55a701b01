package io.packwright.api.console;

/** The console's URL space. */
final class ConsolePaths {

    static final String ROOT = "/console";
    static final String SIGN_IN = ROOT + "/sign-in";

    private ConsolePaths() {}

    static boolean isConsole(String path) {
        return path.equals(ROOT) || path.startsWith(ROOT + "/");
    }
}
