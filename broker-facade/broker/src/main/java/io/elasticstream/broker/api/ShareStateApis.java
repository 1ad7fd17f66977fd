package io.elasticstream.broker.api;

import io.elasticstream.broker.group.GroupCoordinator;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.share.SharePartition;
import io.elasticstream.broker.topic.TopicService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponsePartition;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseTopic;
import org.apache.kafka.common.message.ReadShareGroupStateRequestData;
import org.apache.kafka.common.message.ReadShareGroupStateResponseData;
import org.apache.kafka.common.message.WriteShareGroupStateRequestData;
import org.apache.kafka.common.message.WriteShareGroupStateResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.ReadShareGroupStateRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.WriteShareGroupStateRequest;

/**
 * The share-state requests the group coordinator answers: ReadShareGroupState and WriteShareGroupState from
 * partition leaders on other brokers ({@link ShareStates}), and DescribeShareGroupOffsets from admin clients
 * ({@code kafka-share-groups --describe}): each partition's start offset as last written, and its lag, the
 * records after it not yet done with, where this broker leads the partition (-1 elsewhere, for now).
 */
final class ShareStateApis {
    private final TopicService topics;
    private final PartitionManager partitions;
    private final GroupCoordinator coordinator;

    ShareStateApis(TopicService topics, PartitionManager partitions, GroupCoordinator coordinator) {
        this.topics = topics;
        this.partitions = partitions;
        this.coordinator = coordinator;
    }

    CompletableFuture<ApiMessage> read(RequestContext context, AbstractRequest request) {
        ReadShareGroupStateRequestData req = ((ReadShareGroupStateRequest) request).data();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        ReadShareGroupStateResponseData response = new ReadShareGroupStateResponseData();
        for (ReadShareGroupStateRequestData.ReadStateData t : req.topics()) {
            ReadShareGroupStateResponseData.ReadStateResult result = new ReadShareGroupStateResponseData.ReadStateResult()
                    .setTopicId(t.topicId());
            response.results().add(result);
            for (ReadShareGroupStateRequestData.PartitionData p : t.partitions()) {
                ReadShareGroupStateResponseData.PartitionResult pr = new ReadShareGroupStateResponseData.PartitionResult()
                        .setPartition(p.partition()).setStartOffset(-1).setStateEpoch(0);
                result.partitions().add(pr);
                pending.add(coordinator.readShareState(req.groupId(), t.topicId(), p.partition()).thenAccept(r -> {
                    pr.setErrorCode(r.error().code());
                    if (r.state() != null) {
                        pr.setStartOffset(r.state().startOffset())
                                .setStateBatches(ShareStateMessages.readBatches(r.state()));
                    }
                }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    CompletableFuture<ApiMessage> write(RequestContext context, AbstractRequest request) {
        WriteShareGroupStateRequestData req = ((WriteShareGroupStateRequest) request).data();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        WriteShareGroupStateResponseData response = new WriteShareGroupStateResponseData();
        for (WriteShareGroupStateRequestData.WriteStateData t : req.topics()) {
            WriteShareGroupStateResponseData.WriteStateResult result = new WriteShareGroupStateResponseData.WriteStateResult()
                    .setTopicId(t.topicId());
            response.results().add(result);
            for (WriteShareGroupStateRequestData.PartitionData p : t.partitions()) {
                WriteShareGroupStateResponseData.PartitionResult pr = new WriteShareGroupStateResponseData.PartitionResult()
                        .setPartition(p.partition());
                result.partitions().add(pr);
                SharePartition.State state;
                try {
                    state = ShareStateMessages.fromWrite(p);
                } catch (IllegalArgumentException e) {
                    pr.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(e.getMessage());
                    continue;
                }
                pending.add(coordinator.writeShareState(req.groupId(), t.topicId(), p.partition(), state)
                        .thenAccept(e -> pr.setErrorCode(e.code())));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
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
                pending.add(coordinator.shareStates(g.groupId()).thenAccept(states -> {
                    if (states.error() != Errors.NONE) {
                        group.setErrorCode(states.error().code()).setErrorMessage(states.error().message());
                        return;
                    }
                    describe(group, g.topics(), states.states(), names, ids);
                }));
            }
            return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
        });
    }

    /** The asked topics (null: every partition the group has state in), with Kafka's errors for unknown ones. */
    private void describe(DescribeShareGroupOffsetsResponseGroup group,
                          List<DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestTopic> asked,
                          Map<GroupCoordinator.TopicIdPartitionKey, SharePartition.State> states,
                          Map<Uuid, String> names, Map<String, Uuid> ids) {
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
                    out.setStartOffset(state.startOffset()).setLag(lag(new TopicPartition(name, p), state));
                }
            }
        });
    }

    /** Records from the start offset to the high watermark not yet done with, where this broker leads it. */
    private long lag(TopicPartition tp, SharePartition.State state) {
        PartitionLog log = partitions.get(tp);
        if (log == null) {
            return -1;
        }
        long done = 0;
        for (SharePartition.StateBatch b : state.batches()) {
            if (b.state() == SharePartition.RecordState.ACKNOWLEDGED || b.state() == SharePartition.RecordState.ARCHIVED) {
                done += b.lastOffset() - b.firstOffset() + 1;
            }
        }
        return Math.max(0, log.highWatermark() - state.startOffset() - done);
    }
}
