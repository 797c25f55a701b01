package io.packwright.api.components;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.component.ExtensionKind;
import io.packwright.activities.store.component.PackageExtension;
import io.packwright.api.managed.InstanceService;
import io.packwright.api.validation.TextRules;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/**
 * An extension that a packaged component declares: a setting that each installed instance of a pack
 * can give its own value. Components shared between processes of one pack must declare a key with
 * the same {@code kind}, {@code required} and {@code secret}.
 *
 * @param key 1 to 255 characters, unique within the package
 * @param kind what kind of setting it is
 * @param required whether an instance needs a value (its own or the default)
 * @param secret whether instance values are stored encrypted and never shown
 * @param defaultValue used when an instance sets none; at most 4096 characters (more is a 400 naming
 *     the limit). The default of a {@code secret} extension is stored encrypted and always shown as
 *     {@code "******"}
 */
@Serdeable
public record ExtensionDefinition(
        @NotNull @Size(min = 1, max = 255) @Pattern(regexp = TextRules.NAME, message = TextRules.NAME_MESSAGE)
        String key,

        @NotNull ExtensionKind kind,
        @NotNull Boolean required,
        @NotNull Boolean secret,

        @Nullable
        @Size(
                max = MAX_DEFAULT_VALUE_LENGTH,
                message = "must be at most " + MAX_DEFAULT_VALUE_LENGTH + " characters, the limit of a defaultValue")
        String defaultValue) {

    /** The most characters a {@code defaultValue} has. */
    public static final int MAX_DEFAULT_VALUE_LENGTH = 4096;

    static ExtensionDefinition of(PackageExtension extension) {
        String shownDefault =
                extension.secret() && extension.hasDefault() ? InstanceService.MASK : extension.defaultValue();
        return new ExtensionDefinition(
                extension.key(), extension.kind(), extension.required(), extension.secret(), shownDefault);
    }

    /** What is stored: the default of a secret extension encrypted for {@code packagedComponentId}. */
    PackageExtension toExtension(UUID packagedComponentId, SecretCipher cipher) {
        if (secret && defaultValue != null) {
            return new PackageExtension(
                    key,
                    kind,
                    required,
                    true,
                    null,
                    cipher.encrypt(PackageExtension.defaultOwner(packagedComponentId, key), defaultValue));
        }
        return new PackageExtension(key, kind, required, secret, defaultValue, null);
    }
}
