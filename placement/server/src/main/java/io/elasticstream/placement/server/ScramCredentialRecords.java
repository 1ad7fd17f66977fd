package io.elasticstream.placement.server;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.api.ScramCredential;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.Op;
import io.elasticstream.placement.server.codec.Codecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The SCRAM credentials in the metadata store: one record per user ({@code scram-credentials/<user>}) holding
 * its credentials, one per mechanism. Turns a batch of changes into the puts and deletes of the users it
 * touches (a user left with no credential loses its record). Pure, but for the reads it is handed.
 */
final class ScramCredentialRecords {
    private ScramCredentialRecords() {
    }

    /**
     * The ops that apply {@code upserts} (replacing the user's credential for the mechanism) and then
     * {@code deletions}, each user's record read through {@code read}.
     */
    static List<Op> changes(MetadataKeys keys, List<ScramCredential> upserts, List<ScramCredential.Key> deletions,
                            Function<String, Optional<KeyValue>> read) {
        Map<String, Map<String, ScramCredential>> byUser = new TreeMap<>();
        for (ScramCredential c : upserts) {
            byUser.computeIfAbsent(c.user(), u -> decodeUser(u, read.apply(u))).put(c.mechanism(), c);
        }
        for (ScramCredential.Key k : deletions) {
            byUser.computeIfAbsent(k.user(), u -> decodeUser(u, read.apply(u))).remove(k.mechanism());
        }
        List<Op> ops = new ArrayList<>();
        byUser.forEach((user, credentials) -> {
            String key = keys.scramCredentials(user);
            ops.add(credentials.isEmpty() ? Op.delete(key)
                    : Op.put(key, Codecs.SCRAM_CREDENTIALS.encode(List.copyOf(credentials.values()))));
        });
        return ops;
    }

    /** The credentials of {@code user} by mechanism, from its record if any (a mutable map). */
    static Map<String, ScramCredential> decodeUser(String user, Optional<KeyValue> record) {
        Map<String, ScramCredential> byMechanism = new TreeMap<>();
        record.ifPresent(kv -> {
            for (ScramCredential c : Codecs.SCRAM_CREDENTIALS.decode(kv.value())) {
                Checks.state(c.user().equals(user), "SCRAM credential of '%s' stored under user '%s'", c.user(), user);
                byMechanism.put(c.mechanism(), c);
            }
        });
        return byMechanism;
    }

    /** Every credential of the records under the credentials prefix. */
    static List<ScramCredential> decodeAll(List<KeyValue> records) {
        List<ScramCredential> all = new ArrayList<>();
        for (KeyValue kv : records) {
            all.addAll(Codecs.SCRAM_CREDENTIALS.decode(kv.value()));
        }
        return List.copyOf(all);
    }
}
