package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How PD has range servers copy, and checks what they hold of, sealed ranges: the target pulls the data
 * from the sources itself, so no record passes through PD. {@link RpcRangeCopier} uses the stream RPC
 * (COPY_RANGE, FETCH); tests plug in a fake.
 */
public interface RangeCopier {

    /**
     * Asks {@code target} to become a complete replica of the sealed {@code range}, reading it from
     * {@code sources} (live servers holding it, tried in order). Completes with the sealed end once the
     * copy is durable on the target; exceptionally if it is not (the target then holds no sealed copy).
     * A target holding a short copy (it missed the range's last batches) is completed or replaced.
     */
    CompletableFuture<Long> copy(RangeServerInfo target, RangeInfo range, List<RangeServerInfo> sources);

    /**
     * Whether {@code server} holds the sealed {@code range} up to its end: false if it holds less or
     * nothing of it; exceptionally if it cannot tell (unreachable, ...).
     */
    CompletableFuture<Boolean> holdsWhole(RangeServerInfo server, RangeInfo range);
}
