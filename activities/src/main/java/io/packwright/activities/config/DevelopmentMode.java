package io.packwright.activities.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Whether this process runs in development mode, {@code packwright.development-mode} (environment
 * variable {@code PACKWRIGHT_DEVELOPMENT_MODE}), off unless switched on explicitly. The embedded
 * stack and the tests switch it on. Outside development mode the api and the worker refuse to start
 * on a development or example value of a key (the JWT secret, the secrets key), so that a
 * deployment that forgot to set one fails at start-up instead of running on a public key.
 *
 * @param developmentMode whether development defaults and example values are accepted
 */
@ConfigurationProperties("packwright")
public record DevelopmentMode(
        @Bindable(defaultValue = "false") boolean developmentMode) {

    /**
     * Refuses a development or example value of {@code setting} outside development mode.
     *
     * @param setting how an operator names the setting, e.g. {@code PACKWRIGHT_JWT_SECRET}
     * @param isDevelopmentValue whether the configured value is a development default or an example
     * @throws ConfigurationException when it is and development mode is off
     */
    public void requireProductionValue(String setting, boolean isDevelopmentValue) {
        if (isDevelopmentValue && !developmentMode) {
            throw new ConfigurationException(setting + " is unset or holds a public development or example value."
                    + " Set your own value, or set PACKWRIGHT_DEVELOPMENT_MODE=true on a development machine.");
        }
    }
}
