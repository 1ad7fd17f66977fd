package io.elasticstream.broker.api;

import io.elasticstream.broker.BrokerConfig;
import io.elasticstream.broker.group.ConsumerGroupConfig;
import io.elasticstream.broker.group.GroupConfig;
import io.elasticstream.broker.group.GroupConfigs;
import io.elasticstream.broker.group.GroupCoordinator;
import io.elasticstream.broker.group.GroupRecords.OffsetValue;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.common.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;

/**
 * The classic group APIs: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
 * OffsetFetch, ListGroups, DescribeGroups, DeleteGroups and OffsetDelete. Each method turns one request
 * version into coordinator calls and shapes the response for that version; the group logic is in
 * {@link GroupCoordinator}. OffsetCommit and OffsetFetch v10 name topics by id. TxnOffsetCommit commits
 * offsets in a transaction; OffsetFetch with requireStable answers UNSTABLE_OFFSET_COMMIT while one is pending.
 */
final class GroupApis {
    /** How long a TxnOffsetCommit waits for the transaction coordinator to add the offsets partition. */
    private static final long TXN_ADD_TIMEOUT_MS = 5_000;
    private final BrokerConfig config;
    private final TopicService topics;
    private final GroupCoordinator coordinator;
    private final PartitionManager partitions;

    GroupApis(BrokerConfig config, TopicService topics, PartitionManager partitions, GroupConfigs groupConfigs,
              ScheduledExecutorService timer, Clock clock) {
        this.config = config;
        this.topics = topics;
        this.partitions = partitions;
        this.coordinator = GroupCoordinator.start(GroupConfig.from(config.givenProperties()),
                ConsumerGroupConfig.from(config.givenProperties()), groupConfigs, partitions, timer, clock);
    }

    // ---------------------------------------------------------------- membership

    CompletableFuture<ApiMessage> joinGroup(RequestContext context, AbstractRequest request) {
        short version = context.apiVersion();
        JoinGroupRequest req = (JoinGroupRequest) request;
        String host = context.clientAddress == null ? "" : context.clientAddress.toString();
        return coordinator.joinGroup(req.data(), version, context.clientId(), host).thenApply(r -> {
            JoinGroupResponseData response = r.setThrottleTimeMs(0);
            if (version < 7 && response.protocolName() == null) {
                response.setProtocolName("");
            }
            return response;
        });
    }

    CompletableFuture<ApiMessage> syncGroup(RequestContext context, AbstractRequest request) {
        SyncGroupRequest req = (SyncGroupRequest) request;
        return coordinator.syncGroup(req.data()).thenApply(r -> {
            SyncGroupResponseData response = r.setThrottleTimeMs(0);
            if (context.apiVersion() < 5) {
                response.setProtocolType(null).setProtocolName(null);
            }
            return response;
        });
    }

    CompletableFuture<ApiMessage> heartbeat(RequestContext context, AbstractRequest request) {
        HeartbeatRequestData req = ((HeartbeatRequest) request).data();
        return coordinator.heartbeat(req.groupId(), req.memberId(), req.groupInstanceId(), req.generationId())
                .thenApply(error -> new HeartbeatResponseData().setThrottleTimeMs(0).setErrorCode(error.code()));
    }

    CompletableFuture<ApiMessage> leaveGroup(RequestContext context, AbstractRequest request) {
        short version = context.apiVersion();
        LeaveGroupRequestData req = ((LeaveGroupRequest) request).data();
        List<MemberIdentity> leaving = version >= 3 ? req.members()
                : List.of(new MemberIdentity().setMemberId(req.memberId()));
        return coordinator.leaveGroup(req.groupId(), leaving).thenApply(result -> {
            LeaveGroupResponseData response = new LeaveGroupResponseData().setThrottleTimeMs(0)
                    .setErrorCode(result.error().code());
            if (version >= 3) {
                response.setMembers(result.members());
            } else if (result.error() == Errors.NONE && !result.members().isEmpty()) {
                response.setErrorCode(result.members().getFirst().errorCode());
            }
            return response;
        });
    }

    // ---------------------------------------------------------------- offsets

    /**
     * How a commit's topics resolve: by id through the listing, by name unless the name is no topic (Kafka
     * answers those partitions UNKNOWN_TOPIC_ID or UNKNOWN_TOPIC_OR_PARTITION and commits the rest).
     */
    private record Named(Map<Uuid, String> byId, Set<String> unknownNames) {
        String name(boolean useIds, Uuid id, String name) {
            return useIds ? byId.get(id) : unknownNames.contains(name) ? null : name;
        }

        Errors unknownError(boolean useIds) {
            return useIds ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
    }

    CompletableFuture<ApiMessage> offsetCommit(RequestContext context, AbstractRequest request) {
        short version = context.apiVersion();
        OffsetCommitRequestData req = ((OffsetCommitRequest) request).data();
        boolean byId = version >= 10;
        CompletableFuture<Map<Uuid, String>> names = byId ? topics.namesById() : CompletableFuture.completedFuture(Map.of());
        CompletableFuture<Set<String>> unknown = byId ? CompletableFuture.completedFuture(Set.of())
                : topics.unknown(req.topics().stream().map(OffsetCommitRequestTopic::name).toList());
        return names.thenCombine(unknown, Named::new).thenCompose(named -> {
            Map<TopicPartition, OffsetValue> offsets = new LinkedHashMap<>();
            for (OffsetCommitRequestTopic t : req.topics()) {
                String name = named.name(byId, t.topicId(), t.name());
                if (name == null) {
                    continue;
                }
                for (OffsetCommitRequestPartition p : t.partitions()) {
                    offsets.put(new TopicPartition(name, p.partitionIndex()), new OffsetValue(p.committedOffset(),
                            p.committedLeaderEpoch(), p.committedMetadata(), 0));
                }
            }
            return coordinator.commitOffsets(req.groupId(), req.generationIdOrMemberEpoch(), req.memberId(),
                    req.groupInstanceId(), offsets, version).thenApply(errors -> {
                        OffsetCommitResponseData response = new OffsetCommitResponseData().setThrottleTimeMs(0);
                        for (OffsetCommitRequestTopic t : req.topics()) {
                            String name = named.name(byId, t.topicId(), t.name());
                            OffsetCommitResponseTopic rt = new OffsetCommitResponseTopic();
                            if (byId) {
                                rt.setTopicId(t.topicId());
                            } else {
                                rt.setName(t.name());
                            }
                            for (OffsetCommitRequestPartition p : t.partitions()) {
                                Errors e = name == null ? named.unknownError(byId)
                                        : errors.getOrDefault(new TopicPartition(name, p.partitionIndex()), Errors.NONE);
                                rt.partitions().add(new OffsetCommitResponsePartition()
                                        .setPartitionIndex(p.partitionIndex()).setErrorCode(e.code()));
                            }
                            response.topics().add(rt);
                        }
                        return response;
                    });
        });
    }

    /**
     * TxnOffsetCommit: offsets committed in a producer's transaction, visible once it commits (v6 names
     * topics by id). The group's partition of {@code __consumer_offsets} must be in the transaction first
     * ({@link TxnWriteVerifier}): a transactions-v1 client (v0–4) added it with AddOffsetsToTxn, which the
     * transaction's coordinator confirms; a transactions-v2 client (v5+) sends no AddOffsetsToTxn, so the
     * partition is added here.
     */
    CompletableFuture<ApiMessage> txnOffsetCommit(RequestContext context, AbstractRequest request,
                                                  TxnWriteVerifier verifier, CoordinatorTopic offsetsTopic) {
        TxnOffsetCommitRequestData req = ((TxnOffsetCommitRequest) request).data();
        short version = context.apiVersion();
        TopicPartition offsetsPartition = offsetsTopic.partitionOf(req.groupId());
        PartitionLog log = partitions.get(offsetsPartition);
        if (log == null) {
            return txnOffsetCommit(context, req); // not the group's coordinator: answered as such
        }
        boolean add = version > TxnOffsetCommitRequest.LAST_STABLE_VERSION_BEFORE_TRANSACTION_V2;
        return verifier.verify(req.transactionalId(), req.producerId(), req.producerEpoch(),
                Map.of(offsetsPartition, log), add, TXN_ADD_TIMEOUT_MS).thenCompose(refused -> {
                    Errors e = refused.get(offsetsPartition);
                    return e == null ? txnOffsetCommit(context, req) : CompletableFuture.completedFuture(
                            TxnOffsetCommitRequest.getErrorResponse(req, TxnWriteVerifier.forTxnOffsetCommit(e, version)));
                });
    }

    private CompletableFuture<ApiMessage> txnOffsetCommit(RequestContext context, TxnOffsetCommitRequestData req) {
        short version = context.apiVersion();
        boolean byId = TxnOffsetCommitResponse.useTopicIds(version);
        CompletableFuture<Map<Uuid, String>> names = byId ? topics.namesById() : CompletableFuture.completedFuture(Map.of());
        CompletableFuture<Set<String>> unknown = byId ? CompletableFuture.completedFuture(Set.of())
                : topics.unknown(req.topics().stream().map(TxnOffsetCommitRequestTopic::name).toList());
        return names.thenCombine(unknown, Named::new).thenCompose(named -> {
            Map<TopicPartition, OffsetValue> offsets = new LinkedHashMap<>();
            for (TxnOffsetCommitRequestTopic t : req.topics()) {
                String name = named.name(byId, t.topicId(), t.name());
                if (name == null) {
                    continue;
                }
                for (TxnOffsetCommitRequestPartition p : t.partitions()) {
                    offsets.put(new TopicPartition(name, p.partitionIndex()), new OffsetValue(p.committedOffset(),
                            p.committedLeaderEpoch(), p.committedMetadata(), 0));
                }
            }
            int generation = version >= 3 ? req.generationIdOrMemberEpoch() : -1;
            String memberId = version >= 3 ? req.memberId() : "";
            String instanceId = version >= 3 ? req.groupInstanceId() : null;
            return coordinator.commitTxnOffsets(req.groupId(), req.producerId(), req.producerEpoch(), generation,
                    memberId, instanceId, offsets, TxnOffsetCommitRequest.supportsGroupIdNotFoundError(version))
                    .thenApply(errors -> {
                        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData().setThrottleTimeMs(0);
                        for (TxnOffsetCommitRequestTopic t : req.topics()) {
                            String name = named.name(byId, t.topicId(), t.name());
                            TxnOffsetCommitResponseTopic rt = byId ? new TxnOffsetCommitResponseTopic()
                                    .setTopicId(t.topicId()) : new TxnOffsetCommitResponseTopic().setName(t.name());
                            for (TxnOffsetCommitRequestPartition p : t.partitions()) {
                                Errors e = name == null ? named.unknownError(byId)
                                        : errors.getOrDefault(new TopicPartition(name, p.partitionIndex()), Errors.NONE);
                                rt.partitions().add(new TxnOffsetCommitResponsePartition()
                                        .setPartitionIndex(p.partitionIndex()).setErrorCode(e.code()));
                            }
                            response.topics().add(rt);
                        }
                        return response;
                    });
        });
    }

    /** A transaction marker reached {@code tp}: tells the group coordinator when it is a {@code __consumer_offsets} one. */
    void onMarker(TopicPartition tp, long producerId, boolean commit) {
        coordinator.onMarker(tp, producerId, commit);
    }

    CompletableFuture<ApiMessage> offsetFetch(RequestContext context, AbstractRequest request) {
        short version = context.apiVersion();
        OffsetFetchRequestData req = ((OffsetFetchRequest) request).data();
        if (version < 8) {
            List<TopicPartition> wanted = null;
            if (req.topics() != null) {
                wanted = new ArrayList<>();
                for (OffsetFetchRequestData.OffsetFetchRequestTopic t : req.topics()) {
                    for (int p : t.partitionIndexes()) {
                        wanted.add(new TopicPartition(t.name(), p));
                    }
                }
            }
            List<TopicPartition> requested = wanted;
            boolean requireStable = version >= 7 && req.requireStable();
            return coordinator.fetchOffsets(req.groupId(), wanted, requireStable).thenApply(result -> {
                OffsetFetchResponseData response = new OffsetFetchResponseData().setThrottleTimeMs(0);
                Map<TopicPartition, OffsetValue> offsets = result.offsets();
                if (result.error() != Errors.NONE) {
                    if (version >= 2) {
                        return response.setErrorCode(result.error().code());
                    }
                    offsets = new LinkedHashMap<>();
                    for (TopicPartition tp : requested == null ? List.<TopicPartition>of() : requested) {
                        offsets.put(tp, null);
                    }
                }
                Map<String, OffsetFetchResponseTopic> byName = new LinkedHashMap<>();
                Errors partitionError = version < 2 ? result.error() : Errors.NONE;
                Set<TopicPartition> unstable = result.unstable();
                offsets.forEach((tp, value) -> {
                    boolean pending = unstable.contains(tp);
                    OffsetValue v = pending ? null : value;
                    byName.computeIfAbsent(tp.topic(), name -> new OffsetFetchResponseTopic()
                            .setName(name)).partitions().add(new OffsetFetchResponsePartition()
                            .setPartitionIndex(tp.partition()).setCommittedOffset(v == null ? -1 : v.offset())
                            .setCommittedLeaderEpoch(v == null || version < 5 ? -1 : v.leaderEpoch())
                            .setMetadata(v == null ? "" : v.metadata())
                            .setErrorCode(pending ? Errors.UNSTABLE_OFFSET_COMMIT.code() : partitionError.code()));
                });
                response.topics().addAll(byName.values());
                return response;
            });
        }
        boolean byId = version >= 10;
        CompletableFuture<Map<Uuid, String>> names = byId ? topics.namesById() : CompletableFuture.completedFuture(Map.of());
        return names.thenCompose(n -> {
            Map<String, Uuid> ids = new LinkedHashMap<>();
            n.forEach((id, name) -> ids.put(name, id));
            List<CompletableFuture<OffsetFetchResponseGroup>> groups = new ArrayList<>();
            for (OffsetFetchRequestData.OffsetFetchRequestGroup g : req.groups()) {
                groups.add(fetchGroup(g, byId, n, ids, req.requireStable()));
            }
            return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(v -> {
                OffsetFetchResponseData response = new OffsetFetchResponseData().setThrottleTimeMs(0);
                groups.forEach(f -> response.groups().add(f.join()));
                return response;
            });
        });
    }

    private CompletableFuture<OffsetFetchResponseGroup> fetchGroup(OffsetFetchRequestData.OffsetFetchRequestGroup g,
                                                                   boolean byId, Map<Uuid, String> names,
                                                                   Map<String, Uuid> ids, boolean requireStable) {
        List<TopicPartition> wanted = null;
        Map<Uuid, List<Integer>> unknownIds = new LinkedHashMap<>();
        if (g.topics() != null) {
            wanted = new ArrayList<>();
            for (OffsetFetchRequestData.OffsetFetchRequestTopics t : g.topics()) {
                String name = byId ? names.get(t.topicId()) : t.name();
                if (name == null) {
                    unknownIds.put(t.topicId(), t.partitionIndexes());
                    continue;
                }
                for (int p : t.partitionIndexes()) {
                    wanted.add(new TopicPartition(name, p));
                }
            }
        }
        return coordinator.fetchOffsets(g.groupId(), g.memberId(), g.memberEpoch(), wanted, requireStable)
                .thenApply(result -> {
            OffsetFetchResponseGroup group = new OffsetFetchResponseGroup().setGroupId(g.groupId());
            if (result.error() != Errors.NONE) {
                return group.setErrorCode(result.error().code());
            }
            Map<String, OffsetFetchResponseTopics> byName = new LinkedHashMap<>();
            result.offsets().forEach((tp, v) -> {
                Uuid id = ids.get(tp.topic());
                if (byId && id == null) {
                    return; // an offset of a deleted topic: no id to name it by
                }
                byName.computeIfAbsent(tp.topic(), name -> byId ? new OffsetFetchResponseTopics().setTopicId(id)
                        : new OffsetFetchResponseTopics().setName(name)).partitions().add(
                        result.unstable().contains(tp) ? partition(tp.partition(), null, Errors.UNSTABLE_OFFSET_COMMIT)
                                : partition(tp.partition(), v, Errors.NONE));
            });
            group.topics().addAll(byName.values());
            unknownIds.forEach((id, ps) -> {
                OffsetFetchResponseTopics t = new OffsetFetchResponseTopics().setTopicId(id);
                ps.forEach(p -> t.partitions().add(partition(p, null, Errors.UNKNOWN_TOPIC_ID)));
                group.topics().add(t);
            });
            return group;
        });
    }

    private static OffsetFetchResponsePartitions partition(int index, OffsetValue v, Errors error) {
        return new OffsetFetchResponsePartitions().setPartitionIndex(index).setCommittedOffset(v == null ? -1 : v.offset())
                .setCommittedLeaderEpoch(v == null ? -1 : v.leaderEpoch()).setMetadata(v == null ? "" : v.metadata())
                .setErrorCode(error.code());
    }

    CompletableFuture<ApiMessage> offsetDelete(RequestContext context, AbstractRequest request) {
        OffsetDeleteRequestData req = ((OffsetDeleteRequest) request).data();
        List<String> asked = req.topics().stream().map(OffsetDeleteRequestData.OffsetDeleteRequestTopic::name).toList();
        return topics.unknown(asked).thenCompose(unknown -> offsetDelete(req, unknown));
    }

    private CompletableFuture<ApiMessage> offsetDelete(OffsetDeleteRequestData req, Set<String> unknown) {
        List<TopicPartition> wanted = new ArrayList<>();
        req.topics().stream().filter(t -> !unknown.contains(t.name())).forEach(t -> t.partitions().forEach(p ->
                wanted.add(new TopicPartition(t.name(), p.partitionIndex()))));
        return coordinator.deleteOffsets(req.groupId(), wanted).thenApply(result -> {
            OffsetDeleteResponseData response = new OffsetDeleteResponseData().setThrottleTimeMs(0)
                    .setErrorCode(result.error().code());
            if (result.error() != Errors.NONE) {
                return response;
            }
            for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : req.topics()) {
                OffsetDeleteResponseTopic rt = new OffsetDeleteResponseTopic().setName(t.name());
                for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                    Errors e = unknown.contains(t.name()) ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                            : result.partitions().getOrDefault(new TopicPartition(t.name(), p.partitionIndex()),
                            Errors.NONE);
                    rt.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
                            .setErrorCode(e.code()));
                }
                response.topics().add(rt);
            }
            return response;
        });
    }

    // ---------------------------------------------------------------- admin

    CompletableFuture<ApiMessage> listGroups(RequestContext context, AbstractRequest request) {
        short version = context.apiVersion();
        ListGroupsRequestData req = ((ListGroupsRequest) request).data();
        List<String> states = version >= 4 ? req.statesFilter() : List.of();
        Set<String> types = new HashSet<>();
        if (version >= 5) {
            req.typesFilter().forEach(t -> types.add(t.toLowerCase(Locale.ROOT)));
        }
        CompletableFuture<List<ListedGroup>> listed = topics.byName(GroupConfig.OFFSETS_TOPIC).thenCompose(t -> {
            Set<Integer> owned = new HashSet<>();
            t.ifPresent(info -> info.partitions().stream().filter(pi -> pi.ownerBrokerId() == config.nodeId())
                    .forEach(pi -> owned.add(pi.partition())));
            return coordinator.listGroups(states, owned);
        });
        return listed.handle((groups, err) -> {
            ListGroupsResponseData response = new ListGroupsResponseData().setThrottleTimeMs(0)
                    .setErrorCode(err == null ? Errors.NONE.code() : ErrorMapper.toErrors(err).code());
            if (err == null) {
                groups.stream().filter(g -> types.isEmpty() || types.contains(g.groupType()))
                        .forEach(g -> response.groups().add(version >= 5 ? g
                                : version >= 4 ? g.setGroupType("") : g.setGroupType("").setGroupState("")));
            }
            return response;
        });
    }

    CompletableFuture<ApiMessage> describeGroups(RequestContext context, AbstractRequest request) {
        short version = context.apiVersion();
        Errors notFound = version >= 6 ? Errors.GROUP_ID_NOT_FOUND : Errors.NONE;
        List<CompletableFuture<DescribedGroup>> described = new ArrayList<>();
        for (String groupId : ((DescribeGroupsRequest) request).data().groups()) {
            described.add(coordinator.describeGroup(groupId, notFound));
        }
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DescribeGroupsResponseData response = new DescribeGroupsResponseData().setThrottleTimeMs(0);
            described.forEach(f -> {
                DescribedGroup g = f.join();
                if (version < 6) {
                    g.setErrorMessage(null);
                }
                response.groups().add(g);
            });
            return response;
        });
    }

    CompletableFuture<ApiMessage> deleteGroups(RequestContext context, AbstractRequest request) {
        List<String> ids = ((DeleteGroupsRequest) request).data().groupsNames();
        List<CompletableFuture<Errors>> results = new ArrayList<>();
        ids.forEach(id -> results.add(coordinator.deleteGroup(id)));
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData().setThrottleTimeMs(0);
            for (int i = 0; i < ids.size(); i++) {
                response.results().add(new DeletableGroupResult().setGroupId(ids.get(i))
                        .setErrorCode(results.get(i).join().code()));
            }
            return response;
        });
    }

    GroupConfig config() {
        return coordinator.config();
    }

    GroupCoordinator coordinator() {
        return coordinator;
    }

    void close() {
        coordinator.close();
    }
}
