package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.server.codec.RangeRecord;

import java.util.List;

/**
 * One planned re-replication: have {@code target} copy {@code range} (as read from the record at
 * {@code holderKey}) from {@code sources}, then record the target as a replica. Three kinds:
 * <ul>
 *   <li>replace a dead replica: {@code replacedId} is its id, and the target takes its place;</li>
 *   <li>add a missing replica ({@code replacedId} is {@link #ADD}): the range was placed on fewer servers
 *       than the stream's replica count;</li>
 *   <li>complete a short replica in place ({@code replacedId} is the target's own id): the record
 *       already names it, so nothing is written.</li>
 * </ul>
 *
 * @param copyEpoch the epoch the copy creates the range with on the target: the stream's current epoch
 *                  if newer than the range's, so a stream fence the target keeps (a newer writer found
 *                  the range missing there) does not refuse the copy of a range sealed long ago
 */
record RangeRepair(RangeRecord range, String holderKey, int replacedId, RangeServerInfo target,
                   List<RangeServerInfo> sources, long copyEpoch) {
    /** {@link #replacedId} of a repair that adds a replica. */
    static final int ADD = -1;

    RangeRepair {
        sources = List.copyOf(sources);
    }

    boolean inPlace() {
        return replacedId == target.id();
    }

    /** The range as the copy request carries it: its offsets at {@link #copyEpoch}. */
    RangeInfo copyRequest() {
        return new RangeInfo(range.streamId(), range.index(), range.startOffset(), range.endOffset(), copyEpoch,
                sources);
    }

    @Override
    public String toString() {
        String what = inPlace() ? "complete replica " + target.id()
                : replacedId == ADD ? "add replica " + target.id() : "replica " + replacedId + " -> " + target.id();
        return "range " + range.streamId() + "/" + range.index() + " [" + range.startOffset() + ", "
                + range.endOffset() + "): " + what;
    }
}
