package io.elasticstream.broker.group;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The membership of one share group (KIP-932's ShareGroupHeartbeat): members join with epoch 0 and a
 * subscription, heartbeat at their member epoch, leave with -1, and are removed when silent for the session
 * timeout. Every change of membership or subscriptions bumps the group epoch and recomputes the assignment
 * ({@link SimpleShareAssignor}); each member takes the group epoch as its member epoch in its next answer,
 * with its assignment if that changed (share groups revoke nothing first), so a member is never more than one
 * epoch behind what it was last told, however many changes happened meanwhile. A heartbeat at the member's
 * previous epoch is still accepted (the answer that moved it on was lost); any other epoch is
 * FENCED_MEMBER_EPOCH. Refusals carry Kafka 4.4's errors and
 * messages (docs/consumer-groups.md, "Share groups"); finding the group (GROUP_ID_NOT_FOUND when there is none)
 * is the coordinator's part.
 *
 * <p>Deviation, as for consumer groups: Kafka computes a share group's assignment asynchronously
 * ({@code share.assignment.interval.ms}) and so answers joins at the epoch before it; here it is computed
 * with the change, so epochs differ from Kafka's though they move the same way. Not thread-safe: the group
 * coordinator's owner thread serialises calls; time is passed in.
 */
public final class ShareGroupMembership {
    /** What ShareGroupDescribe shows of a member. */
    public record MemberView(String memberId, int memberEpoch, String rackId, String clientId, String clientHost,
                             List<String> subscribedTopicNames, Map<Uuid, Set<Integer>> assignment) {
    }

    private static final class Member {
        int memberEpoch;
        int previousEpoch;
        List<String> subscribed = List.of();
        String rackId;
        String clientId = "";
        String clientHost = "";
        long lastSeenMs;
        Map<Uuid, Set<Integer>> assignment = Map.of();
        /** The assignment last sent to the member; null: send it in the next answer. */
        Map<Uuid, Set<Integer>> sent;
    }

    private final ShareMemberTiming timing;
    private int epoch;
    private final Map<String, Member> members = new LinkedHashMap<>();

    /** A group at {@code epoch} with no members: a new group is created at 1, so its first member sees 2, as in Kafka. */
    ShareGroupMembership(ShareMemberTiming timing, int epoch) {
        this.timing = timing;
        this.epoch = epoch;
    }

    /** A group whose members' timing is the broker's {@code config}. */
    public ShareGroupMembership(ShareGroupConfig config, int epoch) {
        this(ShareMemberTiming.of(config), epoch);
    }

    /** The member ids, in join order. */
    public List<String> members() {
        return List.copyOf(members.keySet());
    }

    public int epoch() {
        return epoch;
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** The members as ShareGroupDescribe shows them, in join order. */
    public List<MemberView> describe() {
        List<MemberView> out = new ArrayList<>();
        members.forEach((id, m) -> out.add(new MemberView(id, m.memberEpoch, m.rackId, m.clientId, m.clientHost,
                m.subscribed, m.assignment)));
        return out;
    }

    /** The topics some member subscribes to. */
    public Set<String> subscribedTopics() {
        Set<String> out = new LinkedHashSet<>();
        members.values().forEach(m -> out.addAll(m.subscribed));
        return Collections.unmodifiableSet(out);
    }

    /**
     * Kafka's request checks, before the group is looked up; null when valid, "" for a refusal Kafka sends
     * without a message.
     */
    public static String invalid(ShareGroupHeartbeatRequestData req) {
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return "GroupId can't be empty.";
        }
        if (req.memberId() == null || req.memberId().isEmpty()) {
            return "";
        }
        if (req.rackId() != null && req.rackId().isEmpty()) {
            return "RackId can't be empty.";
        }
        if (req.memberEpoch() == 0
                && (req.subscribedTopicNames() == null || req.subscribedTopicNames().isEmpty())) {
            return "SubscribedTopicNames must be set in first request.";
        }
        if (req.memberEpoch() < -1) {
            return "MemberEpoch is invalid.";
        }
        return null;
    }

    /**
     * One valid ShareGroupHeartbeat for this group ({@link #invalid} passed); the topics as the coordinator
     * sees them now.
     */
    public ShareGroupHeartbeatResponseData heartbeat(ShareGroupHeartbeatRequestData req, String clientId,
                                                     String clientHost, TopicImage topics, long nowMs) {
        if (req.memberEpoch() == 0) {
            return join(req, clientId, clientHost, topics, nowMs);
        }
        Member m = members.get(req.memberId());
        if (m == null) {
            return error(Errors.UNKNOWN_MEMBER_ID, "Member " + req.memberId() + " is not a member of group "
                    + req.groupId() + ".");
        }
        if (req.memberEpoch() == -1) {
            members.remove(req.memberId());
            changed(topics);
            return new ShareGroupHeartbeatResponseData().setMemberId(req.memberId()).setMemberEpoch(-1);
        }
        String fenced = fenced(m, req.memberEpoch());
        if (fenced != null) {
            return error(Errors.FENCED_MEMBER_EPOCH, fenced);
        }
        m.lastSeenMs = nowMs;
        if (req.rackId() != null) {
            m.rackId = req.rackId();
        }
        if (req.subscribedTopicNames() != null && !List.copyOf(req.subscribedTopicNames()).equals(m.subscribed)) {
            m.subscribed = List.copyOf(req.subscribedTopicNames());
            changed(topics);
        }
        return answer(m, req.memberId());
    }

    private ShareGroupHeartbeatResponseData join(ShareGroupHeartbeatRequestData req, String clientId,
                                                 String clientHost, TopicImage topics, long nowMs) {
        Member m = members.computeIfAbsent(req.memberId(), id -> new Member());
        m.subscribed = List.copyOf(req.subscribedTopicNames());
        m.rackId = req.rackId();
        m.clientId = clientId;
        m.clientHost = clientHost;
        m.lastSeenMs = nowMs;
        m.sent = null; // a (re)join gets its whole assignment
        changed(topics);
        return answer(m, req.memberId());
    }

    /** Removes the members silent for the session timeout; returns their ids. */
    public List<String> expire(long nowMs, TopicImage topics) {
        List<String> gone = new ArrayList<>();
        members.forEach((id, m) -> {
            if (m.lastSeenMs + timing.sessionTimeoutMs() <= nowMs) {
                gone.add(id);
            }
        });
        if (!gone.isEmpty()) {
            gone.forEach(members::remove);
            changed(topics);
        }
        return gone;
    }

    /** The topics changed (created, deleted, new partitions): the assignment is computed again if it differs. */
    public boolean onTopics(TopicImage topics) {
        Map<String, Map<Uuid, Set<Integer>>> now = assign(topics);
        for (Map.Entry<String, Member> e : members.entrySet()) {
            if (!now.getOrDefault(e.getKey(), Map.of()).equals(e.getValue().assignment)) {
                changed(topics);
                return true;
            }
        }
        return false;
    }

    private static String fenced(Member m, int received) {
        if (received > m.memberEpoch) {
            return "The share group member has a greater member epoch (" + received + ") than the one known by "
                    + "the group coordinator (" + m.memberEpoch + "). The member must abandon all its partitions "
                    + "and rejoin.";
        }
        if (received < m.memberEpoch && received != m.previousEpoch) {
            return "The share group member has a smaller member epoch (" + received + ") than the one known by "
                    + "the group coordinator (" + m.memberEpoch + "), and it does not match the previous member "
                    + "epoch (" + m.previousEpoch + "). The member must abandon all its partitions and rejoin.";
        }
        return null;
    }

    /** Membership or subscriptions changed: a new group epoch, a new assignment, every member at that epoch. */
    private void changed(TopicImage topics) {
        epoch++;
        Map<String, Map<Uuid, Set<Integer>>> assignment = assign(topics);
        members.forEach((id, m) -> m.assignment = assignment.getOrDefault(id, Map.of()));
    }

    private Map<String, Map<Uuid, Set<Integer>>> assign(TopicImage topics) {
        Map<String, Set<Uuid>> subscriptions = new LinkedHashMap<>();
        Map<Uuid, Integer> partitions = new HashMap<>();
        members.forEach((id, m) -> {
            Set<Uuid> ids = new LinkedHashSet<>();
            for (String name : m.subscribed) {
                TopicImage.Topic t = topics == null ? null : topics.byName().get(name);
                if (t != null) {
                    ids.add(t.id());
                    partitions.put(t.id(), t.partitions());
                }
            }
            subscriptions.put(id, ids);
        });
        return SimpleShareAssignor.assign(subscriptions, partitions);
    }

    private ShareGroupHeartbeatResponseData answer(Member m, String memberId) {
        if (m.memberEpoch != epoch) {
            m.previousEpoch = m.memberEpoch; // the member learns of the new epoch with this answer
            m.memberEpoch = epoch;
        }
        ShareGroupHeartbeatResponseData r = new ShareGroupHeartbeatResponseData().setMemberId(memberId)
                .setMemberEpoch(m.memberEpoch).setHeartbeatIntervalMs(timing.heartbeatIntervalMs());
        if (!m.assignment.equals(m.sent)) {
            ShareGroupHeartbeatResponseData.Assignment a = new ShareGroupHeartbeatResponseData.Assignment();
            m.assignment.forEach((topic, ps) -> a.topicPartitions().add(new ShareGroupHeartbeatResponseData
                    .TopicPartitions().setTopicId(topic).setPartitions(List.copyOf(ps))));
            r.setAssignment(a);
            m.sent = m.assignment;
        }
        return r;
    }

    /** A refusal with Kafka's error and message. */
    public static ShareGroupHeartbeatResponseData error(Errors error, String message) {
        return new ShareGroupHeartbeatResponseData().setErrorCode(error.code()).setErrorMessage(message);
    }
}
