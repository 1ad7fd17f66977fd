package io.elasticstream.broker.group;

import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.common.Clock;
import io.elasticstream.rangestore.protocol.StoredBatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** A {@link GroupLog} on a partition of {@code __consumer_offsets}: records in plain Kafka v2 batches. */
record PartitionGroupLog(PartitionLog log, Clock clock) implements GroupLog {
    private static final int READ_BYTES = 1024 * 1024;

    /** The {@code __consumer_offsets} partitions open in {@code partitions}. */
    static GroupLog.Partitions of(PartitionManager partitions, Clock clock) {
        return new GroupLog.Partitions() {
            @Override
            public GroupLog get(int p) {
                PartitionLog log = partitions.get(new TopicPartition(GroupConfig.OFFSETS_TOPIC, p));
                return log == null || log.isFailed() ? null : new PartitionGroupLog(log, clock);
            }

            @Override
            public void failed(int p) {
                partitions.reopenIfFailed(new TopicPartition(GroupConfig.OFFSETS_TOPIC, p));
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionGroupLog other && other.log == log;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(log);
    }

    @Override
    public CompletableFuture<Void> append(List<Entry> entries) {
        SimpleRecord[] records = entries.stream()
                .map(e -> new SimpleRecord(clock.epochMillis(), e.key(), e.value())).toArray(SimpleRecord[]::new);
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, records);
        return log.append(batch, Integer.MAX_VALUE).thenApply(offset -> null);
    }

    @Override
    public CompletableFuture<Void> replay(Consumer<GroupRecords.Decoded> sink) {
        return replayFrom(log.logStartOffset(), log.highWatermark(), sink);
    }

    private CompletableFuture<Void> replayFrom(long from, long end, Consumer<GroupRecords.Decoded> sink) {
        if (from >= end) {
            return CompletableFuture.completedFuture(null);
        }
        return log.read(from, READ_BYTES).thenCompose(batches -> {
            long next = from;
            try {
                for (StoredBatch b : batches) {
                    for (RecordBatch batch : MemoryRecords.readableRecords(b.data().nioBuffer()).batches()) {
                        for (Record r : batch) {
                            if (r.offset() >= from && r.hasKey()) {
                                GroupRecords.Decoded d = GroupRecords.decode(r.key(), r.hasValue() ? r.value() : null);
                                if (d != null) {
                                    sink.accept(d);
                                }
                            }
                        }
                    }
                    next = b.endOffset();
                }
            } finally {
                batches.forEach(b -> b.data().release());
            }
            if (next <= from) {
                return CompletableFuture.failedFuture(new IllegalStateException(log
                        + ": no progress replaying group records at offset " + from));
            }
            return replayFrom(next, end, sink);
        });
    }
}
