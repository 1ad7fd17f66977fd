package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.records.StoredBatchHeader;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.rangestore.protocol.StoredBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * ListOffsets: earliest (and earliest-local) = log start offset, latest = high watermark (no
 * transactions yet, so also the last stable offset), by timestamp = first record with timestamp &gt;= T,
 * max timestamp = the record with the largest timestamp, latest tiered = -1 (no tiered storage, as Kafka
 * without it). A lookup that finds nothing answers offset, timestamp and leader epoch -1. Timestamp lookups scan the partition's batches
 * (the range store's time index comes with the range-store issue).
 */
final class ListOffsetsApi implements RequestHandler {
    private static final int SCAN_READ_BYTES = 1024 * 1024;

    private final TopicService topics;
    private final PartitionManager partitions;

    ListOffsetsApi(TopicService topics, PartitionManager partitions) {
        this.topics = topics;
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ListOffsetsRequestData data = ((ListOffsetsRequest) request).data();
        boolean withLeaderEpoch = context.apiVersion() >= 4;
        // v2+: READ_COMMITTED answers "latest" with the last stable offset (Kafka's isolation level 1).
        boolean readCommitted = context.apiVersion() >= 2 && data.isolationLevel() == 1;
        ListOffsetsResponseData response = new ListOffsetsResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (ListOffsetsRequestData.ListOffsetsTopic t : data.topics()) {
            ListOffsetsTopicResponse topic = new ListOffsetsTopicResponse().setName(t.name());
            response.topics().add(topic);
            for (ListOffsetsRequestData.ListOffsetsPartition p : t.partitions()) {
                ListOffsetsPartitionResponse out = new ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex())
                        .setTimestamp(RecordBatch.NO_TIMESTAMP).setOffset(-1).setLeaderEpoch(-1);
                topic.partitions().add(out);
                pending.add(lookup(new TopicPartition(t.name(), p.partitionIndex()), p, out, withLeaderEpoch, readCommitted)
                        .thenRun(() -> {
                            if (out.offset() < 0) {
                                out.setLeaderEpoch(-1); // found nothing: Kafka answers no epoch either
                            }
                        }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private CompletableFuture<Void> lookup(TopicPartition tp, ListOffsetsRequestData.ListOffsetsPartition p,
                                           ListOffsetsPartitionResponse out, boolean withLeaderEpoch,
                                           boolean readCommitted) {
        PartitionLog log = partitions.get(tp);
        if (log == null) {
            return topics.notServedHere(tp).thenAccept(error -> out.setErrorCode(error.code()));
        }
        if (p.currentLeaderEpoch() >= 0 && p.currentLeaderEpoch() != log.leaderEpoch()) {
            Errors e = p.currentLeaderEpoch() > log.leaderEpoch() ? Errors.UNKNOWN_LEADER_EPOCH : Errors.FENCED_LEADER_EPOCH;
            out.setErrorCode(e.code());
            return CompletableFuture.completedFuture(null);
        }
        long ts = p.timestamp();
        if (withLeaderEpoch) {
            out.setLeaderEpoch(log.leaderEpoch()); // v4+; older versions cannot carry it
        }
        if (ts == ListOffsetsRequest.EARLIEST_TIMESTAMP || ts == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            out.setOffset(log.logStartOffset());
            return CompletableFuture.completedFuture(null);
        }
        if (ts == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
            return CompletableFuture.completedFuture(null); // no tiered storage: nothing is tiered (Kafka: -1)
        }
        if (ts == ListOffsetsRequest.LATEST_TIMESTAMP) {
            out.setOffset(readCommitted ? log.lastStableOffset() : log.highWatermark());
            return CompletableFuture.completedFuture(null);
        }
        if (ts == ListOffsetsRequest.MAX_TIMESTAMP) {
            return scan(log, log.logStartOffset(), Long.MIN_VALUE, out, true);
        }
        if (ts < 0) {
            out.setErrorCode(Errors.INVALID_REQUEST.code());
            return CompletableFuture.completedFuture(null);
        }
        return scan(log, log.logStartOffset(), ts, out, false);
    }

    /**
     * The offset of the first record of {@code log} with a timestamp at or after {@code ts} (ListOffsets by
     * timestamp), or -1 when there is none.
     */
    static CompletableFuture<Long> firstAtOrAfter(PartitionLog log, long ts) {
        ListOffsetsPartitionResponse out = new ListOffsetsPartitionResponse().setOffset(-1)
                .setTimestamp(RecordBatch.NO_TIMESTAMP);
        return scan(log, log.logStartOffset(), ts, out, false).thenApply(v -> out.offset());
    }

    /** Scans batches from {@code from}; sets the answer for "first at/after {@code ts}" or for the max timestamp. */
    private static CompletableFuture<Void> scan(PartitionLog log, long from, long ts, ListOffsetsPartitionResponse out,
                                         boolean max) {
        if (from >= log.highWatermark()) {
            return CompletableFuture.completedFuture(null);
        }
        return log.read(from, SCAN_READ_BYTES).thenCompose(batches -> {
            long next = from;
            boolean found = false;
            try {
                for (StoredBatch b : batches) {
                    next = b.endOffset();
                    if (max) {
                        if (b.maxTimestamp() > out.timestamp() || out.offset() < 0) {
                            long[] best = StoredBatchHeader.maxTimestamp(b.data().nioBuffer());
                            if (best[0] >= 0 && (best[1] > out.timestamp() || out.offset() < 0)) {
                                out.setOffset(best[0]).setTimestamp(best[1]);
                            }
                        }
                    } else if (b.maxTimestamp() >= ts) {
                        long[] hit = StoredBatchHeader.firstAtOrAfter(b.data().nioBuffer(), ts, log.logStartOffset());
                        if (hit != null) {
                            out.setOffset(hit[0]).setTimestamp(hit[1]);
                            found = true;
                            break;
                        }
                    }
                }
            } finally {
                batches.forEach(b -> b.data().release());
            }
            if (found || next == from) {
                return CompletableFuture.completedFuture(null);
            }
            return scan(log, next, ts, out, max);
        });
    }
}
