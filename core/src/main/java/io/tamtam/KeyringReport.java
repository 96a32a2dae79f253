package io.tamtam;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What a {@link Keyring} operation found, per node (this node included).
 *
 * @param acknowledged the nodes that applied the operation
 * @param failed       the nodes that refused it or did not answer, with the reason
 * @param keys         the fingerprints ({@link Keyring#fingerprint}) of the keys each acknowledging node
 *                     holds after the operation, its primary key first
 */
public record KeyringReport(Set<UUID> acknowledged, Map<UUID, String> failed, Map<UUID, java.util.List<String>> keys) {

    /** Copies the collections. */
    public KeyringReport {
        acknowledged = Set.copyOf(acknowledged);
        failed = Map.copyOf(failed);
        keys = Map.copyOf(keys);
    }

    /** @return whether every node it was sent to acknowledged it */
    public boolean complete() {
        return failed.isEmpty();
    }

    /** @return for each key fingerprint, how many nodes hold it (Serf's {@code keys -list}) */
    public Map<String, Integer> holders() {
        Map<String, Integer> out = new TreeMap<>();
        for (java.util.List<String> ks : keys.values()) {
            for (String k : ks) {
                out.merge(k, 1, Integer::sum);
            }
        }
        return out;
    }
}
