package io.packwright.activities.secrets;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;

/**
 * The keys of secret extension values and the sweep that keeps them encrypted under the current
 * key, {@code packwright.secrets.*} (environment: {@code PACKWRIGHT_SECRETS_KEY}, {@code
 * PACKWRIGHT_SECRETS_PREVIOUS_KEYS}, ...). Every default is here.
 *
 * @param key the current key, the base64 of 32 random bytes: encrypts every new secret value, keys
 *     request fingerprints. Unset, the public {@link SecretCipher#DEVELOPMENT_KEY}
 * @param previousKeys keys that secret values may still be encrypted under (comma-separated in the
 *     environment variable): they decrypt, never encrypt. Keep a key here after it stopped being the
 *     current one until the sweep reports that no value under it remains
 * @param sweepBatchSize values (or instances) the worker's secret sweep handles per transaction
 * @param sweepInterval how long the worker's secret sweep waits between the end of one pass and the
 *     start of the next (the first pass runs at start-up)
 */
@ConfigurationProperties("packwright.secrets")
public record SecretsProperties(
        @Bindable(defaultValue = SecretCipher.DEVELOPMENT_KEY) @NotNull
        String key,

        @Nullable List<String> previousKeys,

        @Bindable(defaultValue = "1000") @Min(1) @Max(10_000)
        int sweepBatchSize,

        @Bindable(defaultValue = "1m") @NotNull Duration sweepInterval) {

    /**
     * Drops blank entries of {@code previousKeys} (an empty environment variable sets none).
     *
     * @throws ConfigurationException when the sweep interval is not positive
     */
    public SecretsProperties {
        previousKeys = previousKeys == null
                ? List.of()
                : previousKeys.stream()
                        .filter(previous -> previous != null && !previous.isBlank())
                        .map(String::strip)
                        .toList();
        if (sweepInterval != null && (sweepInterval.isZero() || sweepInterval.isNegative())) {
            throw new ConfigurationException(
                    "packwright.secrets.sweep-interval (PACKWRIGHT_SECRETS_SWEEP_INTERVAL) must be positive, not "
                            + sweepInterval);
        }
    }

    /** Never prints a key. */
    @Override
    public String toString() {
        return "SecretsProperties[key=***, previousKeys=" + previousKeys.size() + " key(s), sweepBatchSize="
                + sweepBatchSize + ", sweepInterval=" + sweepInterval + "]";
    }
}
