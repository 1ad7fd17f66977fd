package io.elasticstream.broker.group;

import io.elasticstream.broker.partition.KeyedRecordLog;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Every record appended, and the markers a test adds, kept in memory; replay decodes them as the partition would. */
final class MemoryGroupLog implements GroupLog {
    /** A record ({@code marker} null; producer id -1 outside transactions) or a marker (commit or abort). */
    record Appended(KeyedRecordLog.Entry entry, long producerId, Boolean marker) {
    }

    final List<Appended> entries = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<Void> append(List<KeyedRecordLog.Entry> batch) {
        batch.forEach(e -> entries.add(new Appended(e, -1, null)));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> appendTransactional(List<KeyedRecordLog.Entry> batch,
                                                                 long producerId, short producerEpoch) {
        batch.forEach(e -> entries.add(new Appended(e, producerId, null)));
        return CompletableFuture.completedFuture(null);
    }

    synchronized void marker(long producerId, boolean commit) {
        entries.add(new Appended(null, producerId, commit));
    }

    @Override
    public synchronized CompletableFuture<Void> replay(Replay sink) {
        for (Appended a : entries) {
            if (a.marker() != null) {
                sink.onMarker(a.producerId(), a.marker());
            } else {
                KeyedRecordLog.Entry e = a.entry();
                sink.onRecord(GroupRecords.decode(ByteBuffer.wrap(e.key()), e.value() == null ? null
                        : ByteBuffer.wrap(e.value())), a.producerId());
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Every partition of {@code __consumer_offsets}, all on this one log. */
    GroupLog.Partitions asPartitions() {
        GroupLog self = this;
        return new GroupLog.Partitions() {
            @Override
            public GroupLog get(int partition) {
                return self;
            }

            @Override
            public void failed(int partition) {
            }
        };
    }
}
