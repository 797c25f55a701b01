package io.packwright.api.console;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * The browser console, {@code packwright.console.*} (environment: {@code PACKWRIGHT_CONSOLE_...}).
 *
 * @param devSignIn whether {@code /console/sign-in} lists the accounts to act as, without a password:
 *     for the embedded development stack only, refused at start-up outside development mode
 * @param sessionSecret the base64 of at least 32 random bytes that sign session and CSRF cookies; the
 *     same on every api replica. Absent, each process draws its own at start (sessions end with it)
 * @param sessionTtl how long a sign-in lasts
 */
@ConfigurationProperties("packwright.console")
public record ConsoleProperties(
        @Bindable(defaultValue = "false") boolean devSignIn,
        @Nullable String sessionSecret,
        @Bindable(defaultValue = "8h") @NotNull Duration sessionTtl) {}
