package io.elasticstream.placement.server;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.api.TopicId;

/**
 * Where each placement record lives in the metadata store, under the cluster prefix:
 * <pre>
 *   topics/&lt;name&gt;                          TopicRecord
 *   partitions/&lt;topicId&gt;/&lt;partition&gt;      PartitionInfo
 *   streams/&lt;streamId&gt;                     StreamRecord
 *   ranges/&lt;streamId&gt;/&lt;index&gt;             RangeRecord
 *   producer-snapshots/&lt;streamId&gt;          ProducerSnapshot of the stream's partition
 *   group-configs/&lt;groupId&gt;               a group's dynamic config overrides (GroupConfigsRecord)
 *   scram-credentials/&lt;user&gt;              a user's SCRAM credentials, one per mechanism (salted, never the password)
 *   brokers/&lt;id&gt;                          BrokerInfo
 *   range-servers/&lt;id&gt;                    RangeServerInfo
 *   alive/brokers/&lt;id&gt;                    BrokerLoad, attached to the broker's session lease
 *   alive/range-servers/&lt;id&gt;              RangeServerLoad, attached to the server's session lease
 *   ids/stream                            highest stream id handed out
 *   ids/producer                          next Kafka producer id not yet handed out
 * </pre>
 * Numbers are zero-padded to a fixed width (ids and indexes to 10 digits, stream ids to 20) so a
 * prefix scan returns them in numeric order; topic ids are 32 lowercase hex digits. Every "directory"
 * prefix ends with '/', so {@code ranges/1/} never matches stream 10. A group id is used as it is: it is
 * the last segment of its key and nothing lives below it, so any characters (even '/') are safe; so is a
 * SCRAM user name.
 */
public final class MetadataKeys {
    private final String topics;
    private final String partitions;
    private final String streams;
    private final String ranges;
    private final String producerSnapshots;
    private final String groupConfigs;
    private final String scramCredentials;
    private final String brokers;
    private final String rangeServers;
    private final String aliveBrokers;
    private final String aliveRangeServers;
    private final String streamIdCounter;
    private final String producerIdCounter;

    public MetadataKeys(String clusterPrefix) {
        Checks.argument(clusterPrefix.endsWith("/"), "cluster prefix '%s' must end with '/'", clusterPrefix);
        topics = clusterPrefix + "topics/";
        partitions = clusterPrefix + "partitions/";
        streams = clusterPrefix + "streams/";
        ranges = clusterPrefix + "ranges/";
        producerSnapshots = clusterPrefix + "producer-snapshots/";
        groupConfigs = clusterPrefix + "group-configs/";
        scramCredentials = clusterPrefix + "scram-credentials/";
        brokers = clusterPrefix + "brokers/";
        rangeServers = clusterPrefix + "range-servers/";
        aliveBrokers = clusterPrefix + "alive/brokers/";
        aliveRangeServers = clusterPrefix + "alive/range-servers/";
        streamIdCounter = clusterPrefix + "ids/stream";
        producerIdCounter = clusterPrefix + "ids/producer";
    }

    public String topic(String name) {
        return topics + name;
    }

    public String topicsPrefix() {
        return topics;
    }

    public String partition(TopicId topicId, int partition) {
        return partitionsPrefix(topicId) + pad10(partition);
    }

    public String partitionsPrefix(TopicId topicId) {
        return partitions + topicIdString(topicId) + "/";
    }

    public String partitionsPrefix() {
        return partitions;
    }

    /** The topic id and partition number encoded in a key made by {@link #partition}. */
    public PartitionKey parsePartition(String key) {
        Checks.argument(key.startsWith(partitions), "'%s' is not a partition key", key);
        String rest = key.substring(partitions.length());
        int slash = rest.indexOf('/');
        Checks.argument(slash == 32 && rest.length() == 43, "'%s' is not a partition key", key);
        TopicId topicId = new TopicId(Long.parseUnsignedLong(rest.substring(0, 16), 16),
                Long.parseUnsignedLong(rest.substring(16, 32), 16));
        return new PartitionKey(topicId, Integer.parseInt(rest.substring(33)));
    }

    public String stream(long streamId) {
        return streams + pad20(streamId);
    }

    public String streamsPrefix() {
        return streams;
    }

    public String range(long streamId, int index) {
        return rangesPrefix(streamId) + pad10(index);
    }

    public String rangesPrefix(long streamId) {
        return ranges + pad20(streamId) + "/";
    }

    public String rangesPrefix() {
        return ranges;
    }

    /** The producer-state snapshot of stream {@code streamId}'s partition. */
    public String producerSnapshot(long streamId) {
        return producerSnapshots + pad20(streamId);
    }

    /** The dynamic config overrides of group {@code groupId} (not empty: Kafka has no default group resource). */
    public String groupConfigs(String groupId) {
        Checks.argument(!groupId.isEmpty(), "a group id must not be empty");
        return groupConfigs + groupId;
    }

    public String groupConfigsPrefix() {
        return groupConfigs;
    }

    /** The SCRAM credentials of {@code user}; like a group id, the user name is the key's last segment as it is. */
    public String scramCredentials(String user) {
        Checks.argument(!user.isEmpty(), "a user name must not be empty");
        return scramCredentials + user;
    }

    public String scramCredentialsPrefix() {
        return scramCredentials;
    }

    public String broker(int id) {
        return brokers + pad10(id);
    }

    public String brokersPrefix() {
        return brokers;
    }

    public String rangeServer(int id) {
        return rangeServers + pad10(id);
    }

    public String rangeServersPrefix() {
        return rangeServers;
    }

    /** The liveness key of broker {@code id}: present while its session lease lives. */
    public String aliveBroker(int id) {
        return aliveBrokers + pad10(id);
    }

    public String aliveBrokersPrefix() {
        return aliveBrokers;
    }

    /** The liveness key of range server {@code id}: present while its session lease lives. */
    public String aliveRangeServer(int id) {
        return aliveRangeServers + pad10(id);
    }

    public String aliveRangeServersPrefix() {
        return aliveRangeServers;
    }

    /** The member id at the end of a key made by {@link #broker}, {@link #aliveBroker} and the like. */
    public static int parseMemberId(String key) {
        int slash = key.lastIndexOf('/');
        String id = key.substring(slash + 1);
        Checks.argument(id.length() == 10 && id.chars().allMatch(Character::isDigit), "'%s' is not a member key", key);
        return Integer.parseInt(id);
    }

    public String streamIdCounter() {
        return streamIdCounter;
    }

    /** The next producer id not yet handed out. */
    public String producerIdCounter() {
        return producerIdCounter;
    }

    /** A partition identified by its key. */
    public record PartitionKey(TopicId topicId, int partition) {
    }

    static String topicIdString(TopicId id) {
        return String.format("%016x%016x", id.mostSignificantBits(), id.leastSignificantBits());
    }

    private static String pad10(int value) {
        Checks.argument(value >= 0, "key number %d must not be negative", value);
        return String.format("%010d", value);
    }

    private static String pad20(long value) {
        Checks.argument(value >= 0, "key number %d must not be negative", value);
        return String.format("%020d", value);
    }
}
