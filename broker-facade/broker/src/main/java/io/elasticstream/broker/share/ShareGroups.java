package io.elasticstream.broker.share;

import io.elasticstream.broker.group.TopicImage;
import java.util.ArrayList;
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
 * The share groups of one coordinator and their membership (KIP-932's ShareGroupHeartbeat): members join with
 * epoch 0 and a subscription, heartbeat at their member epoch, leave with -1, and are removed when silent for
 * the session timeout. Every change of membership or subscriptions bumps the group epoch and recomputes the
 * assignment ({@link SimpleShareAssignor}); every member then takes the group epoch as its member epoch, and
 * receives its assignment in its next heartbeat if it changed. A heartbeat at the member's previous epoch is
 * still accepted (it crossed the change); any other epoch is FENCED_MEMBER_EPOCH. Refusals carry Kafka 4.4's
 * errors and messages (docs/consumer-groups.md, "Share groups").
 *
 * <p>Deviation, as for consumer groups: Kafka computes a share group's assignment asynchronously
 * ({@code share.assignment.interval.ms}) and so answers joins at the epoch before it; here it is computed
 * with the change, so epochs differ from Kafka's though they move the same way. Not thread-safe: the group
 * coordinator's owner thread serialises calls; time is passed in.
 */
public final class ShareGroups {
    /** Kafka 4.4's defaults: {@code group.share.heartbeat.interval.ms}, {@code group.share.session.timeout.ms}. */
    public record Config(int heartbeatIntervalMs, int sessionTimeoutMs) {
        public static final Config DEFAULTS = new Config(5_000, 45_000);
    }

    private static final class Member {
        int memberEpoch;
        int previousEpoch;
        List<String> subscribed = List.of();
        String rackId;
        long lastSeenMs;
        Map<Uuid, Set<Integer>> assignment = Map.of();
        /** The assignment last sent to the member; null: send it in the next answer. */
        Map<Uuid, Set<Integer>> sent;
    }

    private static final class Group {
        int epoch;
        final Map<String, Member> members = new LinkedHashMap<>();
    }

    private final Config config;
    private final Map<String, Group> groups = new HashMap<>();

    public ShareGroups(Config config) {
        this.config = config;
    }

    /** The member ids of {@code groupId}, in join order (empty if there is no such group). */
    public List<String> members(String groupId) {
        Group g = groups.get(groupId);
        return g == null ? List.of() : List.copyOf(g.members.keySet());
    }

    /** The group's epoch, or -1 if there is no such group. */
    public int epoch(String groupId) {
        Group g = groups.get(groupId);
        return g == null ? -1 : g.epoch;
    }

    /** One ShareGroupHeartbeat; the topics as the coordinator sees them now. */
    public ShareGroupHeartbeatResponseData heartbeat(ShareGroupHeartbeatRequestData req, TopicImage topics,
                                                     long nowMs) {
        String invalid = invalid(req);
        if (invalid != null) {
            return error(Errors.INVALID_REQUEST, invalid.isEmpty() ? null : invalid);
        }
        Group g = groups.get(req.groupId());
        if (req.memberEpoch() == 0) {
            if (g == null) {
                g = new Group();
                g.epoch = 1; // created: the join below bumps it, as Kafka's first member sees epoch 2
                groups.put(req.groupId(), g);
            }
            return join(g, req, topics, nowMs);
        }
        if (g == null) {
            return error(Errors.GROUP_ID_NOT_FOUND, req.memberEpoch() == -1
                    ? "Group " + req.groupId() + " not found." : "Share group " + req.groupId() + " not found.");
        }
        Member m = g.members.get(req.memberId());
        if (m == null) {
            return error(Errors.UNKNOWN_MEMBER_ID, "Member " + req.memberId() + " is not a member of group "
                    + req.groupId() + ".");
        }
        if (req.memberEpoch() == -1) {
            g.members.remove(req.memberId());
            changed(g, topics);
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
            changed(g, topics);
        }
        return answer(m, req.memberId());
    }

    private ShareGroupHeartbeatResponseData join(Group g, ShareGroupHeartbeatRequestData req, TopicImage topics,
                                                 long nowMs) {
        Member m = g.members.computeIfAbsent(req.memberId(), id -> new Member());
        m.subscribed = List.copyOf(req.subscribedTopicNames());
        m.rackId = req.rackId();
        m.lastSeenMs = nowMs;
        m.sent = null; // a (re)join gets its whole assignment
        changed(g, topics);
        return answer(m, req.memberId());
    }

    /** Removes the members silent for the session timeout; returns their ids. */
    public List<String> expire(long nowMs, TopicImage topics) {
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            Group g = e.getValue();
            List<String> gone = new ArrayList<>();
            g.members.forEach((id, m) -> {
                if (m.lastSeenMs + config.sessionTimeoutMs() <= nowMs) {
                    gone.add(id);
                }
            });
            if (!gone.isEmpty()) {
                gone.forEach(g.members::remove);
                changed(g, topics);
                expired.addAll(gone);
            }
        }
        return expired;
    }

    /** Kafka's request checks; null when valid, "" for a refusal Kafka sends without a message. */
    private static String invalid(ShareGroupHeartbeatRequestData req) {
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
    private static void changed(Group g, TopicImage topics) {
        g.epoch++;
        Map<String, Set<Uuid>> subscriptions = new LinkedHashMap<>();
        Map<Uuid, Integer> partitions = new HashMap<>();
        g.members.forEach((id, m) -> {
            Set<Uuid> ids = new LinkedHashSet<>();
            for (String name : m.subscribed) {
                TopicImage.Topic t = topics.byName().get(name);
                if (t != null) {
                    ids.add(t.id());
                    partitions.put(t.id(), t.partitions());
                }
            }
            subscriptions.put(id, ids);
        });
        Map<String, Map<Uuid, Set<Integer>>> assignment = SimpleShareAssignor.assign(subscriptions, partitions);
        g.members.forEach((id, m) -> {
            m.previousEpoch = m.memberEpoch;
            m.memberEpoch = g.epoch;
            m.assignment = assignment.getOrDefault(id, Map.of());
        });
    }

    private ShareGroupHeartbeatResponseData answer(Member m, String memberId) {
        ShareGroupHeartbeatResponseData r = new ShareGroupHeartbeatResponseData().setMemberId(memberId)
                .setMemberEpoch(m.memberEpoch).setHeartbeatIntervalMs(config.heartbeatIntervalMs());
        if (!m.assignment.equals(m.sent)) {
            ShareGroupHeartbeatResponseData.Assignment a = new ShareGroupHeartbeatResponseData.Assignment();
            m.assignment.forEach((topic, ps) -> a.topicPartitions().add(new ShareGroupHeartbeatResponseData
                    .TopicPartitions().setTopicId(topic).setPartitions(List.copyOf(ps))));
            r.setAssignment(a);
            m.sent = m.assignment;
        }
        return r;
    }

    private static ShareGroupHeartbeatResponseData error(Errors error, String message) {
        return new ShareGroupHeartbeatResponseData().setErrorCode(error.code()).setErrorMessage(message);
    }
}
