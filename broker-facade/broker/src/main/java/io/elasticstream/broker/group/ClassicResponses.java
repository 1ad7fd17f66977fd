package io.elasticstream.broker.group;

import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/** The JoinGroup and SyncGroup answers of a classic group, as Kafka fills them. */
final class ClassicResponses {
    static final byte[] EMPTY = new byte[0];

    private ClassicResponses() {
    }

    static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(-1).setProtocolName(null)
                .setLeader("").setMemberId(memberId);
    }

    /** The JoinGroup answer for {@code m}; the leader's ({@code withMembers}) lists every member's metadata. */
    static JoinGroupResponseData join(ClassicGroup g, GroupMember m, boolean withMembers) {
        JoinGroupResponseData r = new JoinGroupResponseData().setErrorCode(Errors.NONE.code())
                .setGenerationId(g.generationId).setProtocolType(g.protocolType).setProtocolName(g.protocolName)
                .setLeader(g.leaderId).setMemberId(m.memberId);
        if (withMembers) {
            for (GroupMember each : g.members.values()) {
                r.members().add(new JoinGroupResponseMember().setMemberId(each.memberId)
                        .setGroupInstanceId(each.groupInstanceId)
                        .setMetadata(each.protocols.getOrDefault(g.protocolName, EMPTY)));
            }
        }
        return r;
    }

    static SyncGroupResponseData sync(ClassicGroup g, GroupMember m) {
        return new SyncGroupResponseData().setErrorCode(Errors.NONE.code()).setProtocolType(g.protocolType)
                .setProtocolName(g.protocolName).setAssignment(m.assignment);
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(EMPTY);
    }
}
