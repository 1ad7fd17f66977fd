package io.elasticstream.placement.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.api.TopicInfo;
import io.elasticstream.placement.metadata.EtcdExtension;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.Txn;
import io.elasticstream.placement.server.codec.Codecs;
import io.elasticstream.placement.server.codec.StreamRecord;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Topics with more partitions than one etcd transaction can hold ({@link Txn#MAX_OPS} operations), against a
 * real etcd: created, raised and deleted in parts, and what an interrupted creation leaves is swept by
 * the next driver.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdLargeTopicTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private MetadataStore store;
    private PlacementDriver pd;
    private final PlacementConfig config = PlacementConfig.standalone();
    private final MetadataKeys keys = new MetadataKeys(config.clusterPrefix());

    @BeforeEach
    void open() {
        store = ETCD.connect("large-topic-test");
        pd = new PlacementDriver(store, config);
        pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)).join();
    }

    @AfterEach
    void close() {
        pd.close();
        store.close();
    }

    private int count(String prefix) {
        return store.getPrefix(prefix).join().kvs().size();
    }

    @Test
    void aTopicWithMorePartitionsThanOneTransactionHoldsIsCreatedRaisedAndDeletedWhole() {
        TopicInfo created = pd.createTopic(new NewTopic("wide", 200, Map.of())).join();
        assertEquals(200, created.partitions().size());
        assertEquals(200, created.partitions().stream().mapToLong(PartitionInfo::streamId).distinct().count());

        TopicInfo raised = pd.createPartitions("wide", 333).join();
        assertEquals(333, raised.partitions().size());
        TopicInfo listed = pd.topics().join().getFirst();
        assertEquals(333, listed.partitions().size());
        assertEquals(333, count(keys.partitionsPrefix()));
        assertEquals(333, count(keys.streamsPrefix()));

        pd.deleteTopic("wide").join();
        assertTrue(pd.topics().join().isEmpty());
        assertEquals(0, count(keys.partitionsPrefix()), "every partition record is gone");
        assertEquals(0, count(keys.streamsPrefix()), "every stream record is gone");
    }

    @Test
    void aNewDriverSweepsPartitionsAndStreamsAnInterruptedCreationLeftBehind() throws Exception {
        TopicInfo kept = pd.createTopic(new NewTopic("kept", 3, Map.of())).join();
        // As a leader that crashed between writing the partitions and the topic record would leave them:
        // two partitions of a topic that does not exist, and one beyond the kept topic's count.
        TopicId ghost = TopicId.random();
        writeOrphan(new PartitionInfo("ghost", ghost, 0, 9001, 1, 0));
        writeOrphan(new PartitionInfo("ghost", ghost, 1, 9002, 1, 0));
        writeOrphan(new PartitionInfo("kept", kept.topicId(), 3, 9003, 1, 0));
        assertEquals(6, count(keys.partitionsPrefix()));
        pd.close();

        pd = new PlacementDriver(store, config);
        assertEquals(3, pd.topics().join().getFirst().partitions().size(), "requests wait for the sweep");
        assertEquals(3, count(keys.partitionsPrefix()));
        assertEquals(3, count(keys.streamsPrefix()));
        assertEquals(kept.partitions(), pd.topics().join().getFirst().partitions());
    }

    private void writeOrphan(PartitionInfo partition) {
        StreamRecord stream = new StreamRecord(partition.streamId(), 0, 0, 1, 1, partition.topicId(),
                partition.partition());
        store.put(keys.stream(partition.streamId()), Codecs.STREAM.encode(stream)).join();
        store.put(keys.partition(partition.topicId(), partition.partition()), Codecs.PARTITION.encode(partition)).join();
    }
}
