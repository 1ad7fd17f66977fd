package io.elasticstream.broker.partition;

/**
 * A producer with state in a partition, as DescribeProducers reports it: its epoch, the last sequence it
 * wrote (-1 if none), the max timestamp of its last batch (-1 if unknown), the epoch of the coordinator
 * that wrote its last transaction marker here (-1 if none) and the first offset of its open transaction
 * here (-1 if none).
 */
public record ActiveProducer(long producerId, short epoch, int lastSequence, long lastTimestamp,
                             int coordinatorEpoch, long currentTxnStartOffset) {
}
