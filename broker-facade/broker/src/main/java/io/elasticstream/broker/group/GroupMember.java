package io.elasticstream.broker.group;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/** One member of a classic group. Owned by the coordinator thread. */
final class GroupMember {
    final String memberId;
    final String groupInstanceId;
    final String clientId;
    final String clientHost;
    String protocolType;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    /** Protocol name to metadata, in the member's order of preference. */
    Map<String, byte[]> protocols;
    byte[] assignment = new byte[0];
    CompletableFuture<JoinGroupResponseData> awaitingJoin;
    CompletableFuture<SyncGroupResponseData> awaitingSync;
    long sessionDeadlineMs;
    boolean isNew;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                int sessionTimeoutMs, Map<String, byte[]> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = new LinkedHashMap<>(protocols);
    }

    /** The same member under a new id (a static member rejoining with an unknown member id). */
    GroupMember withId(String newMemberId, String newClientId, String newClientHost) {
        GroupMember m = new GroupMember(newMemberId, groupInstanceId, newClientId, newClientHost, rebalanceTimeoutMs,
                sessionTimeoutMs, protocols);
        m.assignment = assignment;
        m.protocolType = protocolType;
        return m;
    }

    boolean matches(Map<String, byte[]> other) {
        if (!other.keySet().equals(protocols.keySet())) {
            return false;
        }
        var a = protocols.entrySet().iterator();
        var b = other.entrySet().iterator();
        while (a.hasNext()) {
            var x = a.next();
            var y = b.next();
            if (!x.getKey().equals(y.getKey()) || !java.util.Arrays.equals(x.getValue(), y.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Answers a waiting JoinGroup, if any. */
    void completeJoin(JoinGroupResponseData response) {
        if (awaitingJoin != null) {
            CompletableFuture<JoinGroupResponseData> f = awaitingJoin;
            awaitingJoin = null;
            f.complete(response);
        }
    }

    /** Answers a waiting SyncGroup, if any. */
    void completeSync(SyncGroupResponseData response) {
        if (awaitingSync != null) {
            CompletableFuture<SyncGroupResponseData> f = awaitingSync;
            awaitingSync = null;
            f.complete(response);
        }
    }
}
