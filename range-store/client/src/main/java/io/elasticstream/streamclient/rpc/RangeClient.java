package io.elasticstream.streamclient.rpc;

import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.rangestore.protocol.AppendRequest;
import io.elasticstream.rangestore.protocol.CreateRangeRequest;
import io.elasticstream.rangestore.protocol.FetchRequest;
import io.elasticstream.rangestore.protocol.FetchResponse;
import io.elasticstream.rangestore.protocol.SealRequest;
import io.elasticstream.rangestore.protocol.TrimRequest;
import java.util.concurrent.CompletableFuture;

/**
 * The stream RPC as the stream client uses it: one typed call per operation, addressed to a range
 * server. Failures complete exceptionally with {@link io.elasticstream.rangestore.protocol.RpcException}
 * (a transport failure or timeout has status STORAGE_ERROR). {@link RangeRpcClient} is the real,
 * networked implementation; the replication simulation tests plug in a simulated network here.
 */
public interface RangeClient {

    /** Creates the range on {@code server}; completes with the range's end there. */
    CompletableFuture<Long> createRange(RangeServerInfo server, CreateRangeRequest request);

    /** Appends on {@code server} (consumes the request's data reference); completes with the durable end. */
    CompletableFuture<Long> append(RangeServerInfo server, AppendRequest request);

    /** Seals on {@code server}; completes with the sealed end. */
    CompletableFuture<Long> seal(RangeServerInfo server, SealRequest request);

    /** Trims (or drops) the range on {@code server}; completes with its start there, or {@link TrimRequest#DROP_RANGE}. */
    CompletableFuture<Long> trim(RangeServerInfo server, TrimRequest request);

    /** Reads batches from {@code server}; the caller releases the batches. */
    CompletableFuture<FetchResponse> fetch(RangeServerInfo server, FetchRequest request);
}
