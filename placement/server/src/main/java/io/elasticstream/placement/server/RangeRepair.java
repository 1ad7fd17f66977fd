package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.server.codec.RangeRecord;

import java.util.List;

/**
 * One planned re-replication: copy {@code range} (as read at {@code modRevision}) to {@code target} from
 * {@code sources}, then replace replica {@code replacedId} (a dead server) by the target in the record.
 */
record RangeRepair(RangeRecord range, long modRevision, int replacedId, RangeServerInfo target,
                   List<RangeServerInfo> sources) {
    RangeRepair {
        sources = List.copyOf(sources);
    }

    @Override
    public String toString() {
        return "range " + range.streamId() + "/" + range.index() + " [" + range.startOffset() + ", "
                + range.endOffset() + "): replica " + replacedId + " -> " + target.id();
    }
}
