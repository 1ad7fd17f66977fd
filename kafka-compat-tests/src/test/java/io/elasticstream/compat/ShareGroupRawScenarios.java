package io.elasticstream.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ShareGroupHeartbeatResponse;

/**
 * Differential scenarios for share groups (KIP-932) that speak the wire protocol directly: what
 * ShareGroupHeartbeat v1 answers to invalid requests, and how the partitions of a topic are shared among
 * members (fewer and more members than partitions). What it measured on Apache Kafka is recorded in
 * docs/consumer-groups.md under "Share groups".
 */
final class ShareGroupRawScenarios {
    private static final short VERSION = 1;

    private ShareGroupRawScenarios() {
    }

    /** Refusals, then members joining groups over topics of 1, 2 and 4 partitions, and a leave. */
    static Observation heartbeats(String bootstrap) {
        Observation o = new Observation(bootstrap);
        String group = "diff-share";
        Clients.createTopic(bootstrap, "diff-share-1p", 1);
        Clients.createTopic(bootstrap, "diff-share-2p", 2);
        Clients.createTopic(bootstrap, "diff-share-4p", 4);
        try (RawKafkaClient raw = new RawKafkaClient(bootstrap)) {
            raw.awaitCoordinator(RawKafkaClient.GROUP, group);
            ScenarioSupport.await("the group coordinator loaded", () -> {
                Errors e = Errors.forCode(send(raw, join(group + "-warmup", "w", "diff-share-1p")).errorCode());
                return e == Errors.NOT_COORDINATOR || e == Errors.COORDINATOR_LOAD_IN_PROGRESS ? Optional.empty()
                        : Optional.of(true);
            });
            o.put("emptyGroupId", answer(raw, join("", "m1", "diff-share-1p")));
            o.put("emptyMemberId", answer(raw, join(group, "", "diff-share-1p")));
            o.put("noSubscription", answer(raw, join(group, "m1", null)));
            o.put("negativeEpoch", answer(raw, heartbeat(group, "m1", -2)));
            o.put("unknownMemberAtEpoch5", answer(raw, heartbeat(group, "m1", 5)));
            o.put("leaveUnknown", answer(raw, heartbeat(group, "m1", -1)));
            for (String topic : List.of("diff-share-1p", "diff-share-2p", "diff-share-4p")) {
                String g = group + "-" + topic;
                int[] epochs = new int[4];
                List<List<Integer>> assigned = new ArrayList<>(List.of(List.of(), List.of(), List.of(), List.of()));
                for (int m = 1; m <= 3; m++) {
                    ShareGroupHeartbeatResponseData r = send(raw, join(g, "member-" + m, topic));
                    o.put(topic + ".join" + m, Errors.forCode(r.errorCode()).name() + " epoch=" + r.memberEpoch()
                            + " interval=" + r.heartbeatIntervalMs());
                    epochs[m] = r.memberEpoch();
                    remember(r, assigned, m);
                }
                // Assignments may come asynchronously (Kafka: share.assignment.interval.ms): heartbeat every
                // member at least once after the last join, then until they settle.
                long deadline = System.nanoTime() + 15_000_000_000L;
                boolean round = false;
                while (!round || (System.nanoTime() < deadline && assigned.stream().mapToInt(List::size).sum()
                        < Math.max(3, partitionsOf(topic)))) {
                    round = true;
                    for (int m = 1; m <= 3; m++) {
                        ShareGroupHeartbeatResponseData r = send(raw, heartbeat(g, "member-" + m, epochs[m]));
                        if (r.errorCode() == 0) {
                            epochs[m] = r.memberEpoch();
                            remember(r, assigned, m);
                        }
                    }
                    sleep(200);
                }
                List<String> shares = new ArrayList<>();
                for (int m = 1; m <= 3; m++) {
                    shares.add(String.valueOf(assigned.get(m).size()));
                }
                java.util.Collections.sort(shares);
                o.put(topic + ".partitionsPerMember", String.join(",", shares));
                o.put(topic + ".membersPerPartition", membersPerPartition(assigned));
                o.put(topic + ".leave", answer(raw, heartbeat(g, "member-3", -1)));
            }
        }
        return o;
    }

    private static int partitionsOf(String topic) {
        return Integer.parseInt(topic.substring("diff-share-".length(), topic.length() - 1));
    }

    private static void remember(ShareGroupHeartbeatResponseData r, List<List<Integer>> assigned, int member) {
        if (r.errorCode() == 0 && r.assignment() != null) {
            List<Integer> ps = new ArrayList<>();
            r.assignment().topicPartitions().forEach(t -> ps.addAll(t.partitions()));
            assigned.set(member, ps);
        }
    }

    /** How many members each partition went to, sorted. */
    private static String membersPerPartition(List<List<Integer>> assigned) {
        TreeMap<Integer, Integer> counts = new TreeMap<>();
        assigned.forEach(ps -> ps.forEach(p -> counts.merge(p, 1, Integer::sum)));
        List<Integer> c = new ArrayList<>(counts.values());
        java.util.Collections.sort(c);
        return c.toString();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ShareGroupHeartbeatRequestData join(String group, String memberId, String topic) {
        return new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId).setMemberEpoch(0)
                .setSubscribedTopicNames(topic == null ? null : List.of(topic));
    }

    private static ShareGroupHeartbeatRequestData heartbeat(String group, String memberId, int epoch) {
        return new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId).setMemberEpoch(epoch)
                .setSubscribedTopicNames(null);
    }

    private static ShareGroupHeartbeatResponseData send(RawKafkaClient raw, ShareGroupHeartbeatRequestData req) {
        ShareGroupHeartbeatResponse r = raw.send(new ShareGroupHeartbeatRequest.Builder(req), VERSION);
        return r.data();
    }

    private static String answer(RawKafkaClient raw, ShareGroupHeartbeatRequestData req) {
        ShareGroupHeartbeatResponseData r = send(raw, req);
        return Errors.forCode(r.errorCode()).name() + " " + r.errorMessage() + " epoch=" + r.memberEpoch();
    }
}
