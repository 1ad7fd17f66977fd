package io.elasticstream.broker.api;

import io.elasticstream.broker.group.GroupCoordinator;
import io.elasticstream.broker.group.TopicImage;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.share.SharePartition;
import io.elasticstream.broker.topic.TopicService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponsePartition;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponseTopic;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsResponseData.DeleteShareGroupOffsetsResponseTopic;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponsePartition;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AlterShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.DeleteShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.DescribeShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * The share-group offset requests of admin clients ({@code kafka-share-groups}), answered at the group's
 * coordinator from the share-partition states kept there:
 * <ul>
 *   <li>DescribeShareGroupOffsets ({@code --describe}): each partition's start offset as last written, and its
 *       lag, the records after it up to the high watermark not yet done with (asked of the partition's leader
 *       when it is another broker, as Kafka's coordinator asks with ListOffsets; -1 when it cannot be had);</li>
 *   <li>AlterShareGroupOffsets ({@code --reset-offsets}): the partitions start afresh at the given offsets;</li>
 *   <li>DeleteShareGroupOffsets ({@code --delete-offsets}): the group forgets the topics, which start again
 *       where {@code share.auto.offset.reset} says.</li>
 * </ul>
 * The last two need an empty group (NON_EMPTY_GROUP), as in Kafka; Alter creates the group when there is
 * none. Partition leaders drop a group's share-partitions when its last share session there closes, so the
 * next member reads what was altered.
 */
final class ShareOffsetsApis {
    /** Asks a partition's leader on another broker for its high watermark. */
    @FunctionalInterface
    interface Leaders {
        /** The high watermark of {@code tp} at broker {@code brokerId}; -1 when it could not be had. */
        CompletableFuture<Long> highWatermark(int brokerId, TopicPartition tp);
    }

    /** A start offset below 0 is no place in a log (and could not be stored as a share-partition's state). */
    static final String NEGATIVE_START = "The start offset must not be negative.";

    private final TopicService topics;
    private final PartitionManager partitions;
    private final GroupCoordinator coordinator;
    private final Leaders leaders;

    ShareOffsetsApis(TopicService topics, PartitionManager partitions, GroupCoordinator coordinator, Leaders leaders) {
        this.topics = topics;
        this.partitions = partitions;
        this.coordinator = coordinator;
        this.leaders = leaders;
    }

    CompletableFuture<ApiMessage> alterOffsets(RequestContext context, AbstractRequest request) {
        AlterShareGroupOffsetsRequestData req = ((AlterShareGroupOffsetsRequest) request).data();
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(AlterShareGroupOffsetsRequest.getErrorResponseData(
                    Errors.INVALID_GROUP_ID));
        }
        return ConsumerGroupApis.image(topics).thenCompose(image -> {
            AlterShareGroupOffsetsResponseData response = new AlterShareGroupOffsetsResponseData();
            Map<GroupCoordinator.TopicIdPartitionKey, Long> starts = new HashMap<>();
            for (AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestTopic t : req.topics()) {
                TopicImage.Topic topic = image.byName().get(t.topicName());
                AlterShareGroupOffsetsResponseTopic out = new AlterShareGroupOffsetsResponseTopic()
                        .setTopicName(t.topicName());
                if (topic != null) {
                    out.setTopicId(topic.id());
                }
                response.responses().add(out);
                for (AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestPartition p : t.partitions()) {
                    AlterShareGroupOffsetsResponsePartition po = new AlterShareGroupOffsetsResponsePartition()
                            .setPartitionIndex(p.partitionIndex());
                    out.partitions().add(po);
                    if (topic == null || p.partitionIndex() < 0 || p.partitionIndex() >= topic.partitions()) {
                        po.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                                .setErrorMessage(Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
                    } else if (p.startOffset() < 0) {
                        po.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(NEGATIVE_START);
                    } else {
                        starts.put(new GroupCoordinator.TopicIdPartitionKey(topic.id(), p.partitionIndex()),
                                p.startOffset());
                    }
                }
            }
            return coordinator.alterShareStates(req.groupId(), starts).thenApply(change ->
                    change.error() == Errors.NONE ? response
                            : AlterShareGroupOffsetsRequest.getErrorResponseData(change.error(), change.message()));
        });
    }

    CompletableFuture<ApiMessage> deleteOffsets(RequestContext context, AbstractRequest request) {
        DeleteShareGroupOffsetsRequestData req = ((DeleteShareGroupOffsetsRequest) request).data();
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(DeleteShareGroupOffsetsRequest.getErrorDeleteResponseData(
                    Errors.INVALID_GROUP_ID));
        }
        return ConsumerGroupApis.image(topics).thenCompose(image -> {
            DeleteShareGroupOffsetsResponseData response = new DeleteShareGroupOffsetsResponseData();
            Map<Uuid, String> asked = new HashMap<>();
            for (DeleteShareGroupOffsetsRequestData.DeleteShareGroupOffsetsRequestTopic t : req.topics()) {
                TopicImage.Topic topic = image.byName().get(t.topicName());
                if (topic == null) {
                    response.responses().add(new DeleteShareGroupOffsetsResponseTopic().setTopicName(t.topicName())
                            .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                            .setErrorMessage(Errors.UNKNOWN_TOPIC_OR_PARTITION.message()));
                } else {
                    asked.put(topic.id(), topic.name());
                }
            }
            return coordinator.deleteShareStates(req.groupId(), new HashSet<>(asked.keySet())).thenApply(change -> {
                if (change.error() != Errors.NONE) {
                    return DeleteShareGroupOffsetsRequest.getErrorDeleteResponseData(change.error(), change.message());
                }
                List<DeleteShareGroupOffsetsResponseTopic> deleted = new ArrayList<>();
                asked.forEach((id, name) -> {
                    DeleteShareGroupOffsetsResponseTopic out = new DeleteShareGroupOffsetsResponseTopic()
                            .setTopicName(name);
                    if (change.topicIds().contains(id)) {
                        deleted.add(out.setTopicId(id));
                    } else {
                        response.responses().add(out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                                .setErrorMessage("There is no offset information to delete."));
                    }
                });
                response.responses().addAll(deleted);
                return response;
            });
        });
    }

    CompletableFuture<ApiMessage> describeOffsets(RequestContext context, AbstractRequest request) {
        DescribeShareGroupOffsetsRequestData req = ((DescribeShareGroupOffsetsRequest) request).data();
        return topics.namesById().thenCompose(names -> {
            Map<String, Uuid> ids = new HashMap<>();
            names.forEach((id, name) -> ids.put(name, id));
            DescribeShareGroupOffsetsResponseData response = new DescribeShareGroupOffsetsResponseData()
                    .setThrottleTimeMs(0);
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestGroup g : req.groups()) {
                DescribeShareGroupOffsetsResponseGroup group = new DescribeShareGroupOffsetsResponseGroup()
                        .setGroupId(g.groupId());
                response.groups().add(group);
                pending.add(coordinator.shareStates(g.groupId()).thenCompose(states -> {
                    if (states.error() != Errors.NONE) {
                        group.setErrorCode(states.error().code()).setErrorMessage(states.error().message());
                        return CompletableFuture.completedFuture(null);
                    }
                    List<CompletableFuture<?>> lags = describe(group, g.topics(), states.states(), names, ids);
                    return CompletableFuture.allOf(lags.toArray(CompletableFuture[]::new));
                }));
            }
            return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
        });
    }

    /**
     * The asked topics (null: every partition the group has state in), with Kafka's errors for unknown ones;
     * returns the lags still being asked of other brokers.
     */
    private List<CompletableFuture<?>> describe(DescribeShareGroupOffsetsResponseGroup group,
                          List<DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestTopic> asked,
                          Map<GroupCoordinator.TopicIdPartitionKey, SharePartition.State> states,
                          Map<Uuid, String> names, Map<String, Uuid> ids) {
        List<CompletableFuture<?>> lags = new ArrayList<>();
        Map<String, List<Integer>> wanted = new TreeMap<>();
        if (asked == null) {
            states.keySet().forEach(k -> {
                String name = names.get(k.topicId());
                if (name != null) {
                    wanted.computeIfAbsent(name, n -> new ArrayList<>()).add(k.partition());
                }
            });
            wanted.values().forEach(ps -> ps.sort(Integer::compare));
        } else {
            asked.forEach(t -> wanted.put(t.topicName(), new ArrayList<>(t.partitions())));
        }
        wanted.forEach((name, ps) -> {
            Uuid id = ids.get(name);
            DescribeShareGroupOffsetsResponseTopic topic = new DescribeShareGroupOffsetsResponseTopic()
                    .setTopicName(name).setTopicId(id == null ? Uuid.ZERO_UUID : id);
            group.topics().add(topic);
            for (int p : ps) {
                DescribeShareGroupOffsetsResponsePartition out = new DescribeShareGroupOffsetsResponsePartition()
                        .setPartitionIndex(p).setStartOffset(-1).setLeaderEpoch(-1).setLag(-1);
                topic.partitions().add(out);
                if (id == null) {
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                            .setErrorMessage(Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
                    continue;
                }
                SharePartition.State state = states.get(new GroupCoordinator.TopicIdPartitionKey(id, p));
                if (state != null) {
                    out.setStartOffset(state.startOffset());
                    lags.add(highWatermark(new TopicPartition(name, p))
                            .thenAccept(hwm -> out.setLag(hwm < 0 ? -1 : lag(hwm, state))));
                }
            }
        });
        return lags;
    }

    /** The partition's high watermark, from its log here or from its leader; -1 when it cannot be had. */
    private CompletableFuture<Long> highWatermark(TopicPartition tp) {
        PartitionLog log = partitions.get(tp);
        if (log != null) {
            return CompletableFuture.completedFuture(log.highWatermark());
        }
        int owner = partitions.ownerOf(tp);
        return owner < 0 ? CompletableFuture.completedFuture(-1L)
                : leaders.highWatermark(owner, tp).exceptionally(e -> -1L);
    }

    /** Records from the start offset to the high watermark not yet done with. */
    private static long lag(long highWatermark, SharePartition.State state) {
        long done = 0;
        for (SharePartition.StateBatch b : state.batches()) {
            if (b.state() == SharePartition.RecordState.ACKNOWLEDGED || b.state() == SharePartition.RecordState.ARCHIVED) {
                done += b.lastOffset() - b.firstOffset() + 1;
            }
        }
        return Math.max(0, highWatermark - state.startOffset() - done);
    }
}
