package io.elasticstream.broker.group;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.elasticstream.broker.partition.KeyedRecordLog;
import io.elasticstream.common.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KIP-848 consumer groups: ConsumerGroupHeartbeat and ConsumerGroupDescribe on {@link ConsumerGroup}, as
 * Kafka 4.4's group coordinator answers them. A heartbeat:
 * <ol>
 *   <li>finds or creates the group and the member (static members by instance id: a new member id takes over
 *       the place of one that left with epoch -2), checking the member epoch it sends;
 *   <li>bumps the group epoch when membership, a subscription or a subscribed topic changed, and computes the
 *       target assignment at that epoch with the group's assignor;
 *   <li>reconciles the member towards its target: partitions it must give up are revoked first (it stays at
 *       its epoch until a heartbeat no longer lists them), then it moves to the target epoch and gets the
 *       target partitions no other member still owns, the rest as they are released.
 * </ol>
 * Members that stop heartbeating for {@code group.consumer.session.timeout.ms}, or do not revoke within
 * their rebalance timeout, are removed by {@link #tick}. Regular-expression subscriptions are resolved (RE2J
 * syntax, internal topics excluded) against the {@link TopicImage}; a new image that changes what a group
 * subscribes to bumps its epoch. Owned by the coordinator thread.
 */
final class ConsumerGroupProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupProtocol.class);
    /** ConsumerGroupHeartbeat v1+: the client generates its member id (KIP-1082). */
    static final short CLIENT_MEMBER_ID_VERSION = 1;
    static final int LEAVE_EPOCH = -1;
    /** ConsumerGroupDescribe v1+ member types (Kafka's {@code MemberType}). */
    private static final byte CLASSIC_MEMBER_TYPE = 0;
    private static final byte CONSUMER_MEMBER_TYPE = 1;
    private static final Set<String> INTERNAL_TOPICS = Set.of(GroupConfig.OFFSETS_TOPIC, "__transaction_state");

    private final ConsumerGroupConfig config;
    private final GroupStore groups;
    private final CoordinatorPartitions partitions;
    private final Clock clock;
    private final Executor owner;
    private final GroupConversions conversions;
    private final Map<String, ConsumerAssignor> assignors = new LinkedHashMap<>();
    /** The topics as last seen; null until the first image (no assignment is computed without one). */
    private volatile TopicImage topics;

    /** A request refused with Kafka's error and message; nothing was changed. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Errors error;

        Refusal(Errors error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    ConsumerGroupProtocol(ConsumerGroupConfig config, GroupStore groups, CoordinatorPartitions partitions, Clock clock,
                          Executor owner, GroupConversions conversions) {
        this.config = config;
        this.groups = groups;
        this.partitions = partitions;
        this.clock = clock;
        this.owner = owner;
        this.conversions = conversions;
        config.assignors().forEach(name -> assignors.put(name, ConsumerAssignor.named(name)));
    }

    ConsumerGroupConfig config() {
        return config;
    }

    /** The last topic image, or null before the first. */
    TopicImage topics() {
        return topics;
    }

    // ---------------------------------------------------------------- validation (before the group is looked at)

    /** Kafka's checks of a heartbeat on its own, in Kafka's order; null when it passes. */
    static ConsumerGroupHeartbeatResponseData invalid(ConsumerGroupHeartbeatRequestData req, short version,
                                                      ConsumerGroupConfig config) {
        String problem = null;
        Errors error = Errors.INVALID_REQUEST;
        if ((version >= CLIENT_MEMBER_ID_VERSION || req.memberEpoch() > 0 || req.memberEpoch() == LEAVE_EPOCH)
                && empty(req.memberId())) {
            problem = "MemberId can't be empty.";
        } else if (empty(req.groupId())) {
            problem = "GroupId can't be empty.";
        } else if (req.instanceId() != null && empty(req.instanceId())) {
            problem = "InstanceId can't be empty.";
        } else if (req.rackId() != null && empty(req.rackId())) {
            problem = "RackId can't be empty.";
        } else if (req.memberEpoch() == 0) {
            if (req.rebalanceTimeoutMs() == -1) {
                problem = "RebalanceTimeoutMs must be provided in first request.";
            } else if (req.topicPartitions() == null || !req.topicPartitions().isEmpty()) {
                problem = "TopicPartitions must be empty when (re-)joining.";
            } else if (req.subscribedTopicNames() == null && req.subscribedTopicRegex() == null) {
                problem = "Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.";
            }
        } else if (req.memberEpoch() == ConsumerGroupMember.LEFT_STATIC_EPOCH) {
            if (req.instanceId() == null) {
                problem = "InstanceId can't be null.";
            }
        } else if (req.memberEpoch() < ConsumerGroupMember.LEFT_STATIC_EPOCH) {
            problem = "MemberEpoch is invalid.";
        }
        if (problem == null && req.serverAssignor() != null && !config.assignors().contains(req.serverAssignor())) {
            error = Errors.UNSUPPORTED_ASSIGNOR;
            problem = "ServerAssignor " + req.serverAssignor() + " is not supported. Supported assignors: "
                    + String.join(", ", config.assignors()) + ".";
        }
        return problem == null ? null : error(error, problem);
    }

    private static boolean empty(String s) {
        return s == null ? false : s.trim().isEmpty();
    }

    private static ConsumerGroupHeartbeatResponseData error(Errors error, String message) {
        return new ConsumerGroupHeartbeatResponseData().setErrorCode(error.code()).setErrorMessage(message);
    }

    // ---------------------------------------------------------------- heartbeat

    CompletableFuture<ConsumerGroupHeartbeatResponseData> heartbeat(ConsumerGroupHeartbeatRequestData req,
                                                                    String clientId, String clientHost) {
        Errors pe = partitions.check(req.groupId());
        if (pe != Errors.NONE) {
            return CompletableFuture.completedFuture(error(pe, null));
        }
        try {
            if (topics == null) {
                return CompletableFuture.completedFuture(error(Errors.COORDINATOR_LOAD_IN_PROGRESS, null));
            }
            if (req.memberEpoch() < 0) {
                ConsumerGroup g = groupFor(req.groupId(), false, "Group " + req.groupId() + " not found.");
                return persisted(g, leave(g, req), error(Errors.NOT_COORDINATOR, null));
            }
            checkRegex(req.subscribedTopicRegex());
            ConsumerGroup g = groupFor(req.groupId(), req.memberEpoch() == 0,
                    "Consumer group " + req.groupId() + " not found.");
            ConsumerGroupHeartbeatResponseData response = heartbeat(g, req, clientId, clientHost);
            conversions.register(g); // a classic group it converts is replaced once the join is accepted
            return persisted(g, response, error(Errors.NOT_COORDINATOR, null));
        } catch (Refusal r) {
            return CompletableFuture.completedFuture(error(r.error, r.getMessage()));
        }
    }

    /**
     * Writes what changed in the group, then answers {@code response}, or {@code failed} if the write failed (the
     * partition is given up, and the client finds the coordinator again).
     */
    <T> CompletableFuture<T> persisted(ConsumerGroup g, T response, T failed) {
        List<KeyedRecordLog.Entry> changes = g.changes();
        if (changes.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return partitions.append(g, changes).handleAsync((v, err) -> err == null ? response : failed, owner);
    }

    /** Writes what a timer or a topic change did to the group; a failed write gives the partition up. */
    private void persist(ConsumerGroup g) {
        List<KeyedRecordLog.Entry> changes = g.changes();
        if (!changes.isEmpty()) {
            partitions.append(g, changes);
        }
    }

    /** Checked before anything changes, so that a new group is never left behind by a refused join. */
    private static void checkRegex(String regex) {
        if (regex != null && !regex.isEmpty()) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new Refusal(Errors.INVALID_REGULAR_EXPRESSION, "SubscribedTopicRegex `" + regex
                        + "` is not a valid regular expression: " + e.getDescription() + ".");
            }
        }
    }

    /**
     * The live consumer group, created when {@code create} (a classic group with members is converted, if it may
     * be: {@link GroupConversions}); else GROUP_ID_NOT_FOUND with Kafka's message.
     */
    private ConsumerGroup groupFor(String groupId, boolean create, String notFoundMessage) {
        ConsumerGroup g = groups.consumer(groupId, create);
        if (g != null && !g.isDead()) {
            return g;
        }
        if (create && groups.get(groupId) instanceof ClassicGroup c && !c.isDead()) {
            return conversions.toConsumerGroup(c, topics);
        }
        throw new Refusal(Errors.GROUP_ID_NOT_FOUND, groups.notOfKind(groupId, ConsumerGroup.TYPE, notFoundMessage));
    }

    private ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroup g, ConsumerGroupHeartbeatRequestData req,
                                                         String clientId, String clientHost) {
        int epoch = req.memberEpoch();
        long now = clock.monotonicMillis();
        if (g.members.size() >= config.maxSize() && (req.memberId().isEmpty() || !g.members.containsKey(req.memberId()))) {
            throw new Refusal(Errors.GROUP_MAX_SIZE_REACHED, "The consumer group has reached its maximum capacity of "
                    + config.maxSize() + " members.");
        }
        String memberId = req.memberId().isEmpty() ? Uuid.randomUuid().toString() : req.memberId();
        Assignment owned = owned(req.topicPartitions());
        ConsumerGroupMember replaced = null;
        ConsumerGroupMember member;
        if (req.instanceId() == null) {
            member = g.members.get(memberId);
            if (member == null) {
                if (epoch != 0) {
                    throw new Refusal(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not a member of group "
                            + g.groupId + ".");
                }
                member = new ConsumerGroupMember(memberId);
            } else {
                checkEpoch(member, epoch, owned);
            }
        } else {
            ConsumerGroupMember existing = g.staticMember(req.instanceId());
            if (epoch == 0) {
                if (existing == null) {
                    member = g.members.getOrDefault(memberId, new ConsumerGroupMember(memberId));
                } else {
                    if (!existing.hasLeftStatically()) {
                        throw new Refusal(Errors.UNRELEASED_INSTANCE_ID, "Static member " + memberId
                                + " with instance id " + req.instanceId()
                                + " cannot join the group because the instance id is owned by " + existing.memberId
                                + " member.");
                    }
                    replaced = existing;
                    member = existing.replacedBy(memberId);
                }
            } else {
                if (existing == null) {
                    throw new Refusal(Errors.UNKNOWN_MEMBER_ID, "Instance id " + req.instanceId() + " is unknown.");
                }
                if (!existing.memberId.equals(memberId)) {
                    throw new Refusal(Errors.FENCED_INSTANCE_ID, "Static member " + memberId + " with instance id "
                            + req.instanceId() + " was fenced by member " + existing.memberId + ".");
                }
                checkEpoch(existing, epoch, owned);
                member = existing;
            }
        }

        // 1. the member, and whether the group epoch moves
        boolean isNew = !g.members.containsKey(member.memberId);
        if (replaced != null) {
            Assignment target = g.targetAssignment.get(replaced.memberId);
            g.remove(replaced);
            if (target != null) {
                g.targetAssignment.put(member.memberId, target);
            }
            LOG.info("Group {}: static member {} rejoins as {}", g.groupId, req.instanceId(), member.memberId);
        }
        boolean subscriptionChanged = update(member, req, clientId, clientHost);
        Assignment before = member.assigned;
        settle(g, member, isNew, subscriptionChanged, owned, now);
        member.sessionDeadlineMs = now + config.sessionTimeoutMs();

        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(member.memberId).setMemberEpoch(member.memberEpoch)
                .setHeartbeatIntervalMs(config.heartbeatIntervalMs());
        boolean fullRequest = epoch == 0 || (req.rebalanceTimeoutMs() != -1 && req.subscribedTopicNames() != null
                && req.topicPartitions() != null);
        if (fullRequest || !before.equals(member.assigned)) {
            ConsumerGroupHeartbeatResponseData.Assignment a = new ConsumerGroupHeartbeatResponseData.Assignment();
            member.assigned.partitions().forEach((t, ps) -> a.topicPartitions().add(
                    new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(t).setPartitions(List.copyOf(ps))));
            response.setAssignment(a);
        }
        return response;
    }

    /**
     * Puts the updated {@code member} in the group, bumps the group epoch (computing the target assignment) if it
     * is new or its subscription changed what the group subscribes to, and reconciles it towards its target with
     * what it says it {@code owned} (null: unknown). Shared by ConsumerGroupHeartbeat and the classic members'
     * JoinGroup ({@link ClassicMembersOfConsumerGroup}).
     */
    void settle(ConsumerGroup g, ConsumerGroupMember member, boolean isNew, boolean subscriptionChanged,
                Assignment owned, long now) {
        g.put(member);
        if (isNew) {
            LOG.info("Group {}: member {} joins (epoch {}) with the {} protocol, subscribed to {}{}", g.groupId,
                    member.memberId, g.groupEpoch, member.usesClassicProtocol() ? "classic" : "consumer",
                    member.subscribedTopicNames,
                    member.subscribedTopicRegex == null ? "" : " and /" + member.subscribedTopicRegex + "/");
        }
        boolean bump = g.groupEpoch == 0 || subscriptionChanged;
        if (bump || isNew) {
            bump |= refreshSubscriptions(g);
        }
        if (bump) {
            bumpEpoch(g);
        }
        reconcile(g, member, owned, now);
    }

    /** Kafka's member epoch check: equal, or the previous one with nothing beyond the current assignment. */
    private static void checkEpoch(ConsumerGroupMember m, int received, Assignment owned) {
        if (received > m.memberEpoch) {
            throw new Refusal(Errors.FENCED_MEMBER_EPOCH, "The consumer group member has a greater member epoch ("
                    + received + ") than the one known by the group coordinator (" + m.memberEpoch
                    + "). The member must abandon all its partitions and rejoin.");
        }
        if (received < m.memberEpoch && (received != m.previousMemberEpoch || owned == null
                || !owned.minus(m.assigned).isEmpty())) {
            throw new Refusal(Errors.FENCED_MEMBER_EPOCH, "The consumer group member has a smaller member epoch ("
                    + received + ") than the one known by the group coordinator (" + m.memberEpoch
                    + "). The member must abandon all its partitions and rejoin.");
        }
    }

    /** Applies what the heartbeat carries (null: unchanged); whether the subscription changed. */
    private static boolean update(ConsumerGroupMember m, ConsumerGroupHeartbeatRequestData req, String clientId,
                                  String clientHost) {
        boolean changed = false;
        if (req.instanceId() != null) {
            m.instanceId = req.instanceId();
        }
        if (req.rackId() != null) {
            m.rackId = req.rackId();
        }
        if (req.rebalanceTimeoutMs() != -1) {
            m.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        }
        if (req.serverAssignor() != null) {
            m.serverAssignor = req.serverAssignor();
        }
        if (req.subscribedTopicNames() != null) {
            List<String> names = List.copyOf(new TreeSet<>(req.subscribedTopicNames()));
            changed |= !names.equals(m.subscribedTopicNames);
            m.subscribedTopicNames = names;
        }
        if (req.subscribedTopicRegex() != null) {
            String regex = req.subscribedTopicRegex().isEmpty() ? null : req.subscribedTopicRegex();
            changed |= !java.util.Objects.equals(regex, m.subscribedTopicRegex);
            m.subscribedTopicRegex = regex;
        }
        m.clientId = clientId;
        m.clientHost = clientHost;
        return changed;
    }

    private static Assignment owned(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> reported) {
        if (reported == null) {
            return null;
        }
        Assignment.Builder b = Assignment.builder();
        reported.forEach(tp -> tp.partitions().forEach(p -> b.add(tp.topicId(), p)));
        return b.build();
    }

    // ---------------------------------------------------------------- leaving and timeouts

    private ConsumerGroupHeartbeatResponseData leave(ConsumerGroup g, ConsumerGroupHeartbeatRequestData req) {
        ConsumerGroupMember m;
        if (req.instanceId() == null) {
            m = g.members.get(req.memberId());
            if (m == null) {
                throw new Refusal(Errors.UNKNOWN_MEMBER_ID, "Member " + req.memberId() + " is not a member of group "
                        + g.groupId + ".");
            }
        } else {
            m = g.staticMember(req.instanceId());
            if (m == null) {
                throw new Refusal(Errors.UNKNOWN_MEMBER_ID, "Instance id " + req.instanceId() + " is unknown.");
            }
            if (!m.memberId.equals(req.memberId())) {
                throw new Refusal(Errors.FENCED_INSTANCE_ID, "Static member " + req.memberId() + " with instance id "
                        + req.instanceId() + " was fenced by member " + m.memberId + ".");
            }
        }
        if (req.memberEpoch() == ConsumerGroupMember.LEFT_STATIC_EPOCH) {
            LOG.info("Group {}: static member {} ({}) leaves for now, keeping its partitions", g.groupId,
                    m.instanceId, m.memberId);
            m.memberEpoch = ConsumerGroupMember.LEFT_STATIC_EPOCH;
            m.revocationDeadlineMs = -1;
        } else {
            LOG.info("Group {}: member {} leaves", g.groupId, m.memberId);
            removeMembers(g, List.of(m));
        }
        return new ConsumerGroupHeartbeatResponseData().setMemberId(req.memberId()).setMemberEpoch(req.memberEpoch());
    }

    /** Removes members whose session ended or who did not revoke within their rebalance timeout. */
    void tick(ConsumerGroup g, long now) {
        if (topics == null) {
            return; // no assignment is computed before the topics are known
        }
        List<ConsumerGroupMember> expired = new ArrayList<>();
        for (ConsumerGroupMember m : g.members.values()) {
            if (m.sessionDeadlineMs < 0) {
                // loaded from the log: its session, and any revocation it owes, start now
                m.sessionDeadlineMs = now + m.sessionTimeoutMs(config);
                if (m.state == ConsumerGroupMember.State.UNREVOKED_PARTITIONS) {
                    m.revocationDeadlineMs = now + m.rebalanceTimeoutMs;
                }
            }
            if (now >= m.sessionDeadlineMs) {
                LOG.info("Group {}: member {} removed, its session timed out", g.groupId, m.memberId);
                expired.add(m);
            } else if (m.revocationDeadlineMs >= 0 && now >= m.revocationDeadlineMs) {
                LOG.info("Group {}: member {} removed, it did not revoke {} within its rebalance timeout of {} ms",
                        g.groupId, m.memberId, m.pendingRevocation, m.rebalanceTimeoutMs);
                expired.add(m);
            } else if (m.joinDeadlineMs >= 0 && now >= m.joinDeadlineMs) {
                LOG.info("Group {}: classic member {} removed, it did not rejoin within its rebalance timeout",
                        g.groupId, m.memberId);
                expired.add(m);
            } else if (m.syncDeadlineMs >= 0 && now >= m.syncDeadlineMs) {
                LOG.info("Group {}: classic member {} removed, it did not sync within its rebalance timeout",
                        g.groupId, m.memberId);
                expired.add(m);
            }
        }
        if (!expired.isEmpty()) {
            removeMembers(g, expired);
            persist(g);
        }
    }

    /**
     * Removes members that left or were fenced, and moves the group to a new epoch; or, when only classic members
     * are left, converts it back to a classic group if it may be ({@link GroupConversions}).
     */
    void removeMembers(ConsumerGroup g, List<ConsumerGroupMember> gone) {
        Set<String> ids = new HashSet<>();
        gone.forEach(m -> ids.add(m.memberId));
        if (conversions.maybeToClassicGroup(g, ids, topics, true)) {
            return;
        }
        gone.forEach(g::remove);
        refreshSubscriptions(g);
        bumpEpoch(g);
    }

    // ---------------------------------------------------------------- subscriptions and topics

    /** A newer topic image: every consumer group whose subscribed topics changed moves to a new epoch. */
    void onTopics(TopicImage image, List<ConsumerGroup> loaded) {
        topics = image;
        for (ConsumerGroup g : loaded) {
            if (g.isDead()) {
                continue;
            }
            boolean changed = refreshSubscriptions(g);
            if (g.subscriptionsStale) {
                g.subscriptionsStale = false; // resolved again after a load: what it was, not a change
            } else if (changed && !g.members.isEmpty()) {
                bumpEpoch(g);
                persist(g);
            }
        }
    }

    /** Resolves the group's subscriptions against the topic image; whether anything changed. */
    private boolean refreshSubscriptions(ConsumerGroup g) {
        if (topics == null) {
            return false;
        }
        Map<String, Set<String>> regexes = new HashMap<>();
        Map<String, TopicImage.Topic> subscribed = new TreeMap<>();
        for (ConsumerGroupMember m : g.members.values()) {
            for (String name : m.subscribedTopicNames) {
                TopicImage.Topic t = topics.byName().get(name);
                if (t != null) {
                    subscribed.put(name, t);
                }
            }
            if (m.subscribedTopicRegex != null && !regexes.containsKey(m.subscribedTopicRegex)) {
                Pattern p = Pattern.compile(m.subscribedTopicRegex);
                Set<String> matched = new TreeSet<>();
                topics.byName().forEach((name, t) -> {
                    if (!INTERNAL_TOPICS.contains(name) && p.matches(name)) {
                        matched.add(name);
                        subscribed.put(name, t);
                    }
                });
                regexes.put(m.subscribedTopicRegex, matched);
            }
        }
        boolean changed = !subscribed.equals(g.subscribedTopics) || !regexes.equals(g.resolvedRegexes);
        g.subscribedTopics = Map.copyOf(subscribed);
        g.resolvedRegexes = Map.copyOf(regexes);
        return changed;
    }

    /** The topic ids a member subscribes to, by name or by its regex, as the group last resolved them. */
    private Set<Uuid> topicIds(ConsumerGroup g, ConsumerGroupMember m) {
        Set<Uuid> ids = new HashSet<>();
        for (String name : m.subscribedTopicNames) {
            TopicImage.Topic t = g.subscribedTopics.get(name);
            if (t != null) {
                ids.add(t.id());
            }
        }
        if (m.subscribedTopicRegex != null) {
            for (String name : g.resolvedRegexes.getOrDefault(m.subscribedTopicRegex, Set.of())) {
                TopicImage.Topic t = g.subscribedTopics.get(name);
                if (t != null) {
                    ids.add(t.id());
                }
            }
        }
        return ids;
    }

    // ---------------------------------------------------------------- assignment

    private void bumpEpoch(ConsumerGroup g) {
        g.groupEpoch++;
        Map<String, ConsumerAssignor.MemberSpec> specs = new LinkedHashMap<>();
        for (ConsumerGroupMember m : g.members.values()) {
            specs.put(m.memberId, new ConsumerAssignor.MemberSpec(m.instanceId, m.rackId, topicIds(g, m),
                    g.targetAssignment.getOrDefault(m.memberId, m.assigned)));
        }
        TopicImage image = TopicImage.of(g.subscribedTopics.values());
        Map<String, Assignment> target = assignorFor(g).assign(specs, image);
        g.targetAssignment.clear();
        specs.keySet().forEach(id -> g.targetAssignment.put(id, target.getOrDefault(id, Assignment.EMPTY)));
        g.assignmentEpoch = g.groupEpoch;
        LOG.info("Group {}: epoch {}, target assignment {}", g.groupId, g.groupEpoch, g.targetAssignment);
    }

    /** The assignor most members ask for (Kafka's rule), else the first of {@code group.consumer.assignors}. */
    private ConsumerAssignor assignorFor(ConsumerGroup g) {
        Map<String, Integer> votes = new TreeMap<>();
        g.members.values().forEach(m -> {
            if (m.serverAssignor != null) {
                votes.merge(m.serverAssignor, 1, Integer::sum);
            }
        });
        String name = votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(config.defaultAssignor());
        return assignors.getOrDefault(name, assignors.get(config.defaultAssignor()));
    }

    /** Moves the member as far towards its target assignment as the others' releases allow. */
    private void reconcile(ConsumerGroup g, ConsumerGroupMember m, Assignment owned, long now) {
        if (m.hasLeftStatically() || m.isReconciledTo(g.assignmentEpoch)) {
            return;
        }
        if (m.state == ConsumerGroupMember.State.UNREVOKED_PARTITIONS
                && (owned == null || owned.overlaps(m.pendingRevocation))) {
            return; // still owns partitions it was told to give up
        }
        Assignment target = g.targetAssignment.getOrDefault(m.memberId, Assignment.EMPTY);
        Assignment kept = m.assigned.intersect(target);
        Assignment revoke = m.assigned.minus(kept);
        Assignment wanted = target.minus(kept);
        Assignment free = wanted.filter((t, p) -> !g.ownedByOther(m.memberId, t, p));
        boolean unreleased = free.size() < wanted.size();
        ConsumerGroupMember.State before = m.state;
        int epochBefore = m.memberEpoch;
        Assignment assignedBefore = m.assigned;
        if (!revoke.isEmpty() && (owned == null || owned.overlaps(revoke))) {
            m.state = ConsumerGroupMember.State.UNREVOKED_PARTITIONS;
            m.own(kept, revoke, g.assignmentEpoch);
        } else {
            setEpoch(m, g.assignmentEpoch);
            m.state = unreleased ? ConsumerGroupMember.State.UNRELEASED_PARTITIONS : ConsumerGroupMember.State.STABLE;
            m.own(kept.plus(free), Assignment.EMPTY, g.assignmentEpoch);
        }
        if (m.state != before || m.memberEpoch != epochBefore || !m.assigned.equals(assignedBefore)) {
            LOG.info("Group {}: member {} at epoch {} {}, assigned {}{}", g.groupId, m.memberId, m.memberEpoch,
                    m.state, m.assigned, m.pendingRevocation.isEmpty() ? "" : ", revoking " + m.pendingRevocation);
        }
        if (m.state == ConsumerGroupMember.State.UNREVOKED_PARTITIONS) {
            if (before != ConsumerGroupMember.State.UNREVOKED_PARTITIONS) {
                m.revocationDeadlineMs = now + m.rebalanceTimeoutMs;
            }
        } else {
            m.revocationDeadlineMs = -1;
        }
    }

    private static void setEpoch(ConsumerGroupMember m, int epoch) {
        if (m.memberEpoch != epoch) {
            m.previousMemberEpoch = m.memberEpoch;
            m.memberEpoch = epoch;
        }
    }

    // ---------------------------------------------------------------- describe

    DescribedGroup describe(String groupId) {
        DescribedGroup d = new DescribedGroup().setGroupId(groupId);
        Errors pe = partitions.check(groupId);
        if (pe != Errors.NONE) {
            return d.setErrorCode(pe.code());
        }
        Group any = groups.get(groupId);
        if (!(any instanceof ConsumerGroup g) || g.isDead()) {
            return d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(groups.notOfKind(groupId,
                    ConsumerGroup.TYPE, "Group " + groupId + " not found."));
        }
        d.setGroupState(g.stateName()).setGroupEpoch(g.groupEpoch).setAssignmentEpoch(g.assignmentEpoch)
                .setAssignorName(assignorFor(g).name());
        for (ConsumerGroupMember m : g.members.values()) {
            d.members().add(new ConsumerGroupDescribeResponseData.Member().setMemberId(m.memberId)
                    .setInstanceId(m.instanceId).setRackId(m.rackId).setMemberEpoch(m.memberEpoch)
                    .setClientId(m.clientId).setClientHost(m.clientHost)
                    .setSubscribedTopicNames(m.subscribedTopicNames).setSubscribedTopicRegex(m.subscribedTopicRegex)
                    .setAssignment(describe(m.assigned))
                    .setTargetAssignment(describe(g.targetAssignment.getOrDefault(m.memberId, Assignment.EMPTY)))
                    .setMemberType(m.usesClassicProtocol() ? CLASSIC_MEMBER_TYPE : CONSUMER_MEMBER_TYPE));
        }
        return d;
    }

    private ConsumerGroupDescribeResponseData.Assignment describe(Assignment a) {
        ConsumerGroupDescribeResponseData.Assignment out = new ConsumerGroupDescribeResponseData.Assignment();
        a.partitions().forEach((t, ps) -> {
            TopicImage.Topic topic = topics == null ? null : topics.byId().get(t);
            out.topicPartitions().add(new ConsumerGroupDescribeResponseData.TopicPartitions().setTopicId(t)
                    .setTopicName(topic == null ? "" : topic.name()).setPartitions(List.copyOf(ps)));
        });
        return out;
    }
}
