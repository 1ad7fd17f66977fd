package io.elasticstream.broker.group;

import io.elasticstream.broker.partition.KeyedRecordLog;
import io.elasticstream.broker.partition.KeyedRecordLog.Entry;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.records.StoredBatchHeader;
import io.elasticstream.common.Clock;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.RecordBatch;

/** A {@link GroupLog} on a partition of {@code __consumer_offsets}, kept as a {@link KeyedRecordLog}. */
record PartitionGroupLog(KeyedRecordLog log) implements GroupLog {
    /** The {@code __consumer_offsets} partitions open in {@code partitions}. */
    static GroupLog.Partitions of(PartitionManager partitions, Clock clock) {
        return new GroupLog.Partitions() {
            @Override
            public GroupLog get(int p) {
                PartitionLog log = partitions.get(new TopicPartition(GroupConfig.OFFSETS_TOPIC, p));
                return log == null || log.isFailed() ? null : new PartitionGroupLog(new KeyedRecordLog(log, clock));
            }

            @Override
            public void failed(int p) {
                partitions.reopenIfFailed(new TopicPartition(GroupConfig.OFFSETS_TOPIC, p));
            }
        };
    }

    @Override
    public CompletableFuture<Void> append(List<Entry> entries) {
        return log.append(entries);
    }

    @Override
    public CompletableFuture<Void> appendTransactional(List<Entry> entries, long producerId, short producerEpoch) {
        return log.appendTransactional(entries, producerId, producerEpoch);
    }

    @Override
    public CompletableFuture<Void> replay(Replay sink) {
        return log.replay(new KeyedRecordLog.Visitor() {
            @Override
            public void onRecord(StoredBatchHeader header, ByteBuffer key, ByteBuffer value) {
                GroupRecords.Decoded d = GroupRecords.decode(key, value);
                if (d != null) {
                    sink.onRecord(d, header.transactional() ? header.producerId() : RecordBatch.NO_PRODUCER_ID);
                }
            }

            @Override
            public void onMarker(StoredBatchHeader header) {
                sink.onMarker(header.producerId(), header.marker().commit());
            }
        });
    }
}
