package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.server.codec.RangeRecord;

import java.util.List;

/**
 * One planned check of a sealed range not yet verified, whose replicas are all live and as many as the
 * stream's replica count: does each of them hold the whole range? A replica may be short (it missed the
 * last batches before its writer sealed the range with the others' acknowledgements). If all hold it,
 * PD marks the range verified; a short one is completed in place ({@link #completing}).
 */
record RangeCheck(RangeRecord range, String holderKey, List<RangeServerInfo> replicas, long copyEpoch) {
    RangeCheck {
        replicas = List.copyOf(replicas);
    }

    /** The range, as asked of each replica. */
    RangeInfo asked() {
        return new RangeInfo(range.streamId(), range.index(), range.startOffset(), range.endOffset(), range.epoch(),
                replicas);
    }

    /** The repair that completes the short replica {@code shortReplica} from {@code holders}. */
    RangeRepair completing(RangeServerInfo shortReplica, List<RangeServerInfo> holders) {
        return new RangeRepair(range, holderKey, shortReplica.id(), shortReplica, holders, copyEpoch);
    }

    @Override
    public String toString() {
        return "range " + range.streamId() + "/" + range.index() + " [" + range.startOffset() + ", " + range.endOffset()
                + ") on " + replicas.stream().map(RangeServerInfo::id).toList();
    }
}
