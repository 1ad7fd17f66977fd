package io.elasticstream.rangestore.server.store;

/** Identifies a range: a stream and the range's index in it. */
record RangeKey(long streamId, int index) {
    @Override
    public String toString() {
        return streamId + "/" + index;
    }
}
