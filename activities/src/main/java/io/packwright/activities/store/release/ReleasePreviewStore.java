package io.packwright.activities.store.release;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.activities.store.component.PackageExtensionStore;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * What a release preview reads, without writing anything: the content of the pack's current
 * release, and how many instances a release would reach and which would fail for lack of a value.
 */
@Singleton
public class ReleasePreviewStore {

    /**
     * The instances of pack {@code ?} that miss a value for a key that packages {@code ?} require
     * without a default (the rule of {@link ReleaseFanOutStore#REQUIRED_KEYS}), grouped by the keys
     * they miss: the largest {@code ?} groups, each with its first {@code ?} keys, and the totals.
     */
    private static final String REACH = """
            WITH required AS (
                SELECT DISTINCT pe.key FROM package_extensions pe
                WHERE pe.packaged_component_id = ANY (?) AND pe.required AND """ + PackageExtensionStore.HAS_NO_DEFAULT + """
            ),
            missing AS (
                SELECT i.id, array_agg(k.key ORDER BY k.key) AS keys
                FROM integration_pack_instances i CROSS JOIN required k
                WHERE i.integration_pack_id = ?
                  AND NOT EXISTS (SELECT 1 FROM instance_extension_values v
                                  WHERE v.integration_pack_instance_id = i.id AND v.key = k.key)
                GROUP BY i.id),
            groups AS (SELECT keys, count(*) AS instances FROM missing GROUP BY keys),
            shown AS (SELECT keys, instances FROM groups ORDER BY instances DESC, keys LIMIT ?)
            SELECT (SELECT count(*) FROM integration_pack_instances WHERE integration_pack_id = ?) AS reached,
                   (SELECT COALESCE(sum(instances), 0) FROM groups) AS failing,
                   (SELECT count(*) FROM groups) AS group_count,
                   s.keys[1:?] AS keys, cardinality(s.keys) AS key_count, s.instances
            FROM (SELECT 1) one LEFT JOIN shown s ON true
            ORDER BY s.instances DESC, s.keys""";

    private final JdbcOperations jdbc;

    ReleasePreviewStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Instances that miss the same keys.
     *
     * @param missingKeys the first keys they miss, in key order
     * @param missingKeyCount how many keys they miss in all
     * @param instances how many instances miss exactly these keys
     */
    public record FailureGroup(List<String> missingKeys, int missingKeyCount, long instances) {}

    /**
     * Whom a release would reach.
     *
     * @param instances the pack's instances: every one runs an older release than a new one
     * @param wouldFail those that miss a value the release requires
     * @param groupCount how many distinct sets of missing keys there are
     * @param groups the largest of them
     */
    public record Reach(long instances, long wouldFail, long groupCount, List<FailureGroup> groups) {}

    /** {@link #REACH} for a release of {@code packageIds} to {@code packId}'s instances. */
    public Reach reach(UUID packId, List<UUID> packageIds, int groupsShown, int keysShown) {
        return jdbc.prepareStatement(REACH, statement -> {
            Array packages = statement.getConnection().createArrayOf("uuid", packageIds.toArray());
            statement.setArray(1, packages);
            statement.setObject(2, packId);
            statement.setInt(3, groupsShown);
            statement.setObject(4, packId);
            statement.setInt(5, keysShown);
            long instances = 0;
            long wouldFail = 0;
            long groupCount = 0;
            List<FailureGroup> groups = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    instances = rows.getLong("reached");
                    wouldFail = rows.getLong("failing");
                    groupCount = rows.getLong("group_count");
                    Array keys = rows.getArray("keys");
                    if (keys != null) {
                        groups.add(new FailureGroup(
                                Arrays.asList((String[]) keys.getArray()),
                                rows.getInt("key_count"),
                                rows.getLong("instances")));
                    }
                }
            }
            return new Reach(instances, wouldFail, groupCount, groups);
        });
    }

    /**
     * How a staged rollout with {@code waves} would split the pack's instances now: per wave, its own
     * instances (the first wave that takes an instance has it; the last takes the rest). One scan of
     * the pack's instances.
     */
    public List<Long> waveInstances(UUID packId, List<WaveTarget> waves) {
        StringBuilder wave = new StringBuilder("CASE");
        List<Object> parameters = new ArrayList<>();
        for (int index = 0; index < waves.size() - 1; index++) {
            WaveFilter through = WaveFilter.upTo(waves, index);
            wave.append(" WHEN ").append(WaveFilter.MEMBER).append(" THEN ").append(index);
            parameters.add(through.maxPercent());
            parameters.add(through.groupIds());
        }
        wave.append(" ELSE ").append(waves.size() - 1).append(" END");
        parameters.add(packId);
        String sql = "SELECT wave, count(*) AS instances FROM (SELECT " + wave
                + " AS wave FROM integration_pack_instances i WHERE i.integration_pack_id = ?) waves GROUP BY wave";
        return jdbc.prepareStatement(sql, statement -> {
            for (int i = 0; i < parameters.size(); i++) {
                if (parameters.get(i) instanceof List<?> ids) {
                    statement.setArray(i + 1, statement.getConnection().createArrayOf("uuid", ids.toArray()));
                } else {
                    statement.setObject(i + 1, parameters.get(i));
                }
            }
            Long[] counts = new Long[waves.size()];
            Arrays.fill(counts, 0L);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    counts[rows.getInt("wave")] = rows.getLong("instances");
                }
            }
            return List.of(counts);
        });
    }

    /** The content of the pack's current release, ordered by component name; empty before its first release. */
    public List<ReleaseRecord.Component> currentContent(UUID packId) {
        return jdbc.prepareStatement("""
                SELECT rc.component_id, rc.component_name, rc.component_type, rc.packaged_component_id, rc.package_version
                FROM integration_packs p JOIN release_components rc ON rc.release_id = p.current_release_id
                WHERE p.id = ? ORDER BY rc.component_name, rc.component_id""", statement -> {
            statement.setObject(1, packId);
            List<ReleaseRecord.Component> content = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    content.add(ReleaseStore.component(rows));
                }
            }
            return content;
        });
    }
}
