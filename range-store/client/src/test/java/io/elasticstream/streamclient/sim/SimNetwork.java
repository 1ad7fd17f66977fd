package io.elasticstream.streamclient.sim;

import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.rangestore.protocol.AppendRequest;
import io.elasticstream.rangestore.protocol.CreateRangeRequest;
import io.elasticstream.rangestore.protocol.FetchRequest;
import io.elasticstream.rangestore.protocol.FetchResponse;
import io.elasticstream.rangestore.protocol.RpcException;
import io.elasticstream.rangestore.protocol.SealRequest;
import io.elasticstream.rangestore.protocol.Status;
import io.elasticstream.rangestore.protocol.StoredBatch;
import io.elasticstream.rangestore.protocol.TrimRequest;
import io.elasticstream.rangestore.server.store.FetchResult;
import io.elasticstream.rangestore.server.store.RangeStore;
import io.elasticstream.rangestore.server.store.RangeStoreException;
import io.elasticstream.rangestore.server.store.ReadBatch;
import io.elasticstream.streamclient.rpc.RangeClient;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The network between the writer and the range servers, behaving like one TCP connection per server:
 * messages take a random delay but stay in order per direction; a connection can break for a while
 * (every message in either direction is lost, and callers time out as the real client does); a crashed
 * server answers nothing.
 */
final class SimNetwork implements RangeClient {
    static final long REQUEST_TIMEOUT_MS = 200;

    private final SimWorld world;
    private final Map<Integer, SimRangeServer> servers;
    /** Chance that sending a message breaks its connection for a while. */
    double dropProbability;
    private final Map<Integer, Long> brokenUntilMs = new java.util.HashMap<>();
    private final Map<Integer, Long> lastRequestAtMs = new java.util.HashMap<>();
    private final Map<Integer, Long> lastResponseAtMs = new java.util.HashMap<>();

    SimNetwork(SimWorld world, Map<Integer, SimRangeServer> servers) {
        this.world = world;
        this.servers = servers;
    }

    @Override
    public CompletableFuture<Long> createRange(RangeServerInfo server, CreateRangeRequest r) {
        return call(server, s -> s.createRange(r.streamId(), r.index(), r.startOffset(), r.epoch()));
    }

    @Override
    public CompletableFuture<Long> append(RangeServerInfo server, AppendRequest r) {
        byte[] data = new byte[r.data().readableBytes()];
        r.data().readBytes(data);
        r.data().release();
        return call(server, s -> s.append(r.streamId(), r.index(), r.epoch(), r.baseOffset(), r.recordCount(),
                r.maxTimestamp(), ByteBuffer.wrap(data)));
    }

    @Override
    public CompletableFuture<Long> seal(RangeServerInfo server, SealRequest r) {
        return call(server, s -> s.seal(r.streamId(), r.index(), r.epoch(), r.endOffset()));
    }

    @Override
    public CompletableFuture<Long> trim(RangeServerInfo server, TrimRequest r) {
        return call(server, s -> s.trim(r.streamId(), r.index(), r.newStartOffset()));
    }

    @Override
    public CompletableFuture<FetchResponse> fetch(RangeServerInfo server, FetchRequest r) {
        return call(server, s -> {
            try {
                FetchResult result = s.fetch(r.streamId(), r.index(), r.startOffset(), r.endOffset(), r.maxBytes());
                List<StoredBatch> batches = new ArrayList<>();
                for (ReadBatch b : result.batches()) {
                    batches.add(new StoredBatch(b.baseOffset(), b.recordCount(), b.maxTimestamp(),
                            Unpooled.wrappedBuffer(b.data())));
                }
                return CompletableFuture.completedFuture(new FetchResponse(result.rangeEndOffset(), batches));
            } catch (RangeStoreException e) {
                return CompletableFuture.failedFuture(e);
            }
        });
    }

    /** Whether the connection to {@code serverId} loses this message (and maybe breaks for a while). */
    private boolean lost(int serverId) {
        if (world.nowMs() < brokenUntilMs.getOrDefault(serverId, -1L)) {
            return true;
        }
        if (world.chance(dropProbability)) {
            brokenUntilMs.put(serverId, world.nowMs() + world.delay(5, 100));
            return true;
        }
        return false;
    }

    /** A delivery time after a random delay, never before the previous message in that direction. */
    private long inOrder(Map<Integer, Long> last, int serverId) {
        long at = Math.max(world.nowMs() + world.delay(0, 2), last.getOrDefault(serverId, 0L));
        last.put(serverId, at);
        return at - world.nowMs();
    }

    private <T> CompletableFuture<T> call(RangeServerInfo to, Function<RangeStore, CompletableFuture<T>> op) {
        if (world.nowMs() < brokenUntilMs.getOrDefault(to.id(), -1L) && world.chance(0.5)) {
            // A connection known to be down fails the call at once, in the caller's thread, as the real client
            // does when its channel is closed (the other half of the time the message is just lost).
            return CompletableFuture.failedFuture(new RpcException(Status.STORAGE_ERROR,
                    "connection to " + to.id() + " is down"));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        world.schedule(() -> result.completeExceptionally(new RpcException(Status.STORAGE_ERROR,
                "request to " + to.id() + " timed out")), REQUEST_TIMEOUT_MS);
        if (lost(to.id())) {
            return result;
        }
        world.schedule(() -> {
            SimRangeServer server = servers.get(to.id());
            if (!server.isUp()) {
                return; // nobody listening: the caller times out
            }
            int incarnation = server.incarnation();
            CompletableFuture<T> done;
            try {
                done = op.apply(server.store());
            } catch (RuntimeException e) {
                done = CompletableFuture.failedFuture(e);
            }
            done.whenComplete((value, err) -> {
                if (!server.isUp() || server.incarnation() != incarnation || lost(to.id())) {
                    return; // the server died before answering, or the answer was lost
                }
                world.schedule(() -> {
                    if (err == null) {
                        result.complete(value);
                    } else {
                        result.completeExceptionally(toRpc(err));
                    }
                }, inOrder(lastResponseAtMs, to.id()));
            });
        }, inOrder(lastRequestAtMs, to.id()));
        return result;
    }

    private static Throwable toRpc(Throwable err) {
        Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (c instanceof RangeStoreException rse) {
            return new RpcException(rse.status(), rse.getMessage());
        }
        return new RpcException(Status.STORAGE_ERROR, String.valueOf(c.getMessage()));
    }
}
