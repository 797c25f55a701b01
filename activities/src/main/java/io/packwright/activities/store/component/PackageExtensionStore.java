package io.packwright.activities.store.component;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The extensions of packaged components ({@code package_extensions}), written with their package
 * and read for a whole page of packages in one query. The default of a secret extension is stored
 * encrypted (the caller encrypts it). Every method needs a surrounding transaction.
 */
@Singleton
public class PackageExtensionStore {

    /**
     * How much the extensions of one package hold, to estimate the size of a response before they are
     * loaded.
     *
     * @param extensions how many extensions it declares
     * @param textBytes the UTF-8 bytes of their keys and default values
     */
    public record ExtensionsSize(int extensions, long textBytes) {

        /** A package without extensions. */
        public static final ExtensionsSize NONE = new ExtensionsSize(0, 0);
    }
    /** Whether the extension {@code pe} has no default value, neither plain nor encrypted. */
    public static final String HAS_NO_DEFAULT = "(pe.default_value IS NULL AND pe.encrypted_default_value IS NULL)";

    private final JdbcOperations jdbc;

    PackageExtensionStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores the extensions of a new package in one batch. */
    public void insertAll(UUID packagedComponentId, List<PackageExtension> extensions) {
        if (extensions.isEmpty()) {
            return;
        }
        jdbc.prepareStatement("""
                INSERT INTO package_extensions (packaged_component_id, key, kind, required, secret, default_value,
                                                encrypted_default_value)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", statement -> {
            for (PackageExtension extension : extensions) {
                statement.setObject(1, packagedComponentId);
                statement.setString(2, extension.key());
                statement.setString(3, extension.kind().name());
                statement.setBoolean(4, extension.required());
                statement.setBoolean(5, extension.secret());
                statement.setString(6, extension.defaultValue());
                statement.setBytes(7, extension.encryptedDefaultValue());
                statement.addBatch();
            }
            return statement.executeBatch();
        });
    }

    /**
     * The extensions of each of {@code packagedComponentIds} (the packages of one page, or one), ordered
     * by key; a package without extensions maps to an empty list.
     */
    public Map<UUID, List<PackageExtension>> findByPackages(Collection<UUID> packagedComponentIds) {
        Map<UUID, List<PackageExtension>> byPackage = new HashMap<>();
        packagedComponentIds.forEach(id -> byPackage.put(id, new ArrayList<>()));
        if (packagedComponentIds.isEmpty()) {
            return byPackage;
        }
        return jdbc.prepareStatement("""
                SELECT packaged_component_id, key, kind, required, secret, default_value, encrypted_default_value
                FROM package_extensions WHERE packaged_component_id = ANY (?)""", statement -> {
            Array ids = statement.getConnection().createArrayOf("uuid", packagedComponentIds.toArray());
            statement.setArray(1, ids);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    byPackage
                            .get(rows.getObject("packaged_component_id", UUID.class))
                            .add(new PackageExtension(
                                    rows.getString("key"),
                                    ExtensionKind.valueOf(rows.getString("kind")),
                                    rows.getBoolean("required"),
                                    rows.getBoolean("secret"),
                                    rows.getString("default_value"),
                                    rows.getBytes("encrypted_default_value")));
                }
            }
            byPackage.values().forEach(list -> list.sort(Comparator.comparing(PackageExtension::key)));
            return byPackage;
        });
    }

    /**
     * How much the extensions of each of {@code packagedComponentIds} (the packages fetched for one
     * page) hold, without reading them: a
     * package without extensions is absent. {@code octet_length} of a stored text reads its length
     * from the value's header, not the value itself.
     */
    public Map<UUID, ExtensionsSize> sizes(Collection<UUID> packagedComponentIds) {
        Map<UUID, ExtensionsSize> sizes = new HashMap<>();
        if (packagedComponentIds.isEmpty()) {
            return sizes;
        }
        return jdbc.prepareStatement("""
                SELECT packaged_component_id, count(*) AS extensions,
                       sum(octet_length(key) + COALESCE(octet_length(default_value), 0)) AS text_bytes
                FROM package_extensions WHERE packaged_component_id = ANY (?)
                GROUP BY packaged_component_id""", statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("uuid", packagedComponentIds.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    sizes.put(
                            rows.getObject("packaged_component_id", UUID.class),
                            new ExtensionsSize(rows.getInt("extensions"), rows.getLong("text_bytes")));
                }
            }
            return sizes;
        });
    }
}
