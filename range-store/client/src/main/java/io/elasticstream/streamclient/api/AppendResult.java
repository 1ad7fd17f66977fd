package io.elasticstream.streamclient.api;

/** A confirmed append: the batch occupies offsets {@code [baseOffset, endOffset)}. */
public record AppendResult(long baseOffset, long endOffset) {
}
