package io.elasticstream.rangestore.server.store;

import java.util.List;

/** Batches read from a range and the range's readable end at the time of the read. */
public record FetchResult(long rangeEndOffset, List<ReadBatch> batches) {
}
