package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How PD has a range server copy a sealed range: the target pulls the data from the sources itself, so
 * no record passes through PD. {@link RpcRangeCopier} sends the stream RPC's COPY_RANGE; tests plug in
 * a fake.
 */
@FunctionalInterface
public interface RangeCopier {

    /**
     * Asks {@code target} to become a complete replica of the sealed {@code range}, reading it from
     * {@code sources} (live servers holding it, tried in order). Completes with the sealed end once the
     * copy is durable on the target; exceptionally if it is not (the target then holds no sealed copy).
     */
    CompletableFuture<Long> copy(RangeServerInfo target, RangeInfo range, List<RangeServerInfo> sources);
}
