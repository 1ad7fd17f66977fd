package io.elasticstream.placement.rpc;

/**
 * The PD RPC protocol over HTTP/1.1, shared by the server and {@link RemotePlacementService}.
 *
 * <p>A call is {@code POST /v1/rpc/<method>} with a binary body (the arguments in parameter order,
 * written with {@link PdWire}). Answers:
 * <ul>
 *   <li>{@value #OK}: the result, written with {@link PdWire};</li>
 *   <li>{@value #REDIRECT}: this PD is a follower; {@value #LEADER_HEADER} is the leader's {@code host:port};</li>
 *   <li>{@value #UNAVAILABLE}: no leader right now (election in progress, leader stepped down mid-call);
 *       retry, at {@value #LEADER_HEADER} if present;</li>
 *   <li>{@value #FAILED}: the call failed with a {@code PlacementException}; the body is
 *       {@link PdErrors}' encoding of it;</li>
 *   <li>{@value #BAD_REQUEST}: unknown method or undecodable body (a bug or a version mismatch).</li>
 * </ul>
 */
public final class PdRpc {
    public static final String RPC_PATH = "/v1/rpc/";
    public static final String CLUSTER_PATH = "/v1/cluster";
    public static final String LEADER_PATH = "/v1/leader";
    public static final String LEADER_HEADER = "X-PD-Leader";
    public static final String CONTENT_TYPE = "application/octet-stream";

    public static final int OK = 200;
    public static final int REDIRECT = 307;
    public static final int BAD_REQUEST = 400;
    public static final int FAILED = 409;
    public static final int UNAVAILABLE = 503;

    // Method names: one constant per PlacementService method, used by both sides.
    public static final String REGISTER_RANGE_SERVER = "registerRangeServer";
    public static final String REGISTER_BROKER = "registerBroker";
    public static final String HEARTBEAT_RANGE_SERVER = "heartbeatRangeServer";
    public static final String HEARTBEAT_BROKER = "heartbeatBroker";
    public static final String UNREGISTER_BROKER = "unregisterBroker";
    public static final String BROKERS = "brokers";
    public static final String CREATE_TOPIC = "createTopic";
    public static final String ALTER_TOPIC_CONFIGS = "alterTopicConfigs";
    public static final String CREATE_PARTITIONS = "createPartitions";
    public static final String DELETE_TOPIC = "deleteTopic";
    public static final String MOVE_PARTITIONS = "movePartitions";
    public static final String TOPIC = "topic";
    public static final String TOPICS = "topics";
    public static final String DESCRIBE_STREAM = "describeStream";
    public static final String OPEN_STREAM_FOR_WRITE = "openStreamForWrite";
    public static final String CREATE_RANGE = "createRange";
    public static final String SEAL_RANGE = "sealRange";
    public static final String TRIM_STREAM = "trimStream";
    public static final String PUT_PRODUCER_SNAPSHOT = "putProducerSnapshot";
    public static final String PRODUCER_SNAPSHOT = "producerSnapshot";
    public static final String ALLOCATE_PRODUCER_IDS = "allocateProducerIds";
    public static final String ALTER_GROUP_CONFIGS = "alterGroupConfigs";
    public static final String GROUP_CONFIGS = "groupConfigs";
    public static final String ALTER_SCRAM_CREDENTIALS = "alterScramCredentials";
    public static final String SCRAM_CREDENTIALS = "scramCredentials";
    public static final String USER_SCRAM_CREDENTIALS = "userScramCredentials";

    private PdRpc() {
    }
}
