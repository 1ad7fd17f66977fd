package io.elasticstream.broker.partition;

/**
 * An idempotent producer with state in a partition, as DescribeProducers reports it: its epoch, the last
 * sequence it wrote (-1 if none) and the max timestamp of its last batch (-1 if unknown).
 */
public record ActiveProducer(long producerId, short epoch, int lastSequence, long lastTimestamp) {
}
