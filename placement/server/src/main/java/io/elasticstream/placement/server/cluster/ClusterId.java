package io.elasticstream.placement.server.cluster;

import io.elasticstream.placement.metadata.Compare;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.Op;
import io.elasticstream.placement.metadata.Txn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster's Kafka cluster id at {@code <prefix>cluster-id}: created once by the first PD (22-char
 * URL-safe base64, Kafka's format), read by every broker so all of them report the same id.
 */
public final class ClusterId {
    private ClusterId() {
    }

    public static String key(String clusterPrefix) {
        return clusterPrefix + "cluster-id";
    }

    /** The id, created if absent; completes with whichever id won. */
    public static CompletableFuture<String> ensure(MetadataStore store, String clusterPrefix) {
        String key = key(clusterPrefix);
        byte[] fresh = generate().getBytes(StandardCharsets.UTF_8);
        return store.txn(Txn.builder().when(Compare.absent(key)).success(Op.put(key, fresh)).failure(Op.get(key)).build())
                .thenApply(result -> {
                    if (result.succeeded()) {
                        return new String(fresh, StandardCharsets.UTF_8);
                    }
                    List<KeyValue> found = result.results().get(0);
                    return new String(found.get(0).value(), StandardCharsets.UTF_8);
                });
    }

    static String generate() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
        return id.startsWith("-") ? "A" + id.substring(1) : id;
    }
}
