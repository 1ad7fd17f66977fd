package io.elasticstream.placement.rpc;

import io.elasticstream.common.Checks;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionMove;
import io.elasticstream.placement.api.PartitionMoveResult;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.ProducerSnapshot;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.api.ScramCredential;
import io.elasticstream.placement.api.StreamInfo;
import io.elasticstream.placement.api.TopicInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataOutput;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link PlacementService} over the PD RPC ({@link PdRpc}): each call goes to the PD believed to lead,
 * follows a follower's redirect to the leader, and while no leader answers (election, restarts,
 * unreachable PDs) tries the PDs in turn with exponential backoff until the call's deadline. Errors come
 * back as the same {@link PlacementException} subtypes the in-process driver throws.
 *
 * <p>A call retried after a transport error may have been applied by the first attempt; the PD methods
 * are idempotent or fail recognisably on a repeat ({@code createTopic} then reports
 * {@link PlacementException.TopicExists}, {@code openStreamForWrite} opens one epoch higher).
 *
 * <p>{@link #watchPartitions} is served by the given {@link PartitionWatcher} (a metadata store watch),
 * not by PD.
 *
 * <p>Thread-safe and non-blocking: futures complete on the HTTP client's threads; callers should not block there.
 */
public final class RemotePlacementService implements PlacementService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemotePlacementService.class);

    private final RemotePlacementConfig config;
    private final PartitionWatcher watcher;
    private final Clock clock;
    private final HttpClient http;
    private final AtomicInteger nextAddress = new AtomicInteger();
    /** The PD that answered last, or that a follower named as leader; null when unknown. */
    private volatile String leaderAddress;

    public RemotePlacementService(RemotePlacementConfig config, PartitionWatcher watcher, Clock clock) {
        this.config = Checks.notNull(config, "config");
        this.watcher = watcher;
        this.clock = Checks.notNull(clock, "clock");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(Math.min(config.requestTimeoutMs(), 2_000)))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    // ---- PlacementService: one line per method ---------------------------------------------------

    @Override
    public CompletableFuture<Void> registerRangeServer(RangeServerInfo server) {
        return call(PdRpc.REGISTER_RANGE_SERVER, out -> PdWire.writeRangeServer(out, server), PdWire::readNothing);
    }

    @Override
    public CompletableFuture<Void> registerBroker(BrokerInfo broker) {
        return call(PdRpc.REGISTER_BROKER, out -> PdWire.writeBroker(out, broker), PdWire::readNothing);
    }

    @Override
    public CompletableFuture<Void> heartbeatBroker(int brokerId, BrokerLoad load) {
        return call(PdRpc.HEARTBEAT_BROKER, out -> {
            out.writeInt(brokerId);
            PdWire.writeBrokerLoad(out, load);
        }, PdWire::readNothing);
    }

    @Override
    public CompletableFuture<Void> heartbeatRangeServer(int serverId, RangeServerLoad load) {
        return call(PdRpc.HEARTBEAT_RANGE_SERVER, out -> {
            out.writeInt(serverId);
            PdWire.writeRangeServerLoad(out, load);
        }, PdWire::readNothing);
    }

    @Override
    public CompletableFuture<List<BrokerInfo>> brokers() {
        return call(PdRpc.BROKERS, out -> { }, in -> PdWire.readList(in, PdWire::readBroker));
    }

    @Override
    public CompletableFuture<Void> unregisterBroker(int brokerId) {
        return call(PdRpc.UNREGISTER_BROKER, out -> out.writeInt(brokerId), PdWire::readNothing);
    }

    @Override
    public CompletableFuture<TopicInfo> createTopic(NewTopic topic) {
        return call(PdRpc.CREATE_TOPIC, out -> PdWire.writeNewTopic(out, topic), PdWire::readTopic);
    }

    @Override
    public CompletableFuture<TopicInfo> alterTopicConfigs(String name, Map<String, String> configs) {
        return call(PdRpc.ALTER_TOPIC_CONFIGS, out -> {
            PdWire.writeString(out, name);
            PdWire.writeStringMap(out, configs);
        }, PdWire::readTopic);
    }

    @Override
    public CompletableFuture<TopicInfo> createPartitions(String name, int newCount) {
        return call(PdRpc.CREATE_PARTITIONS, out -> {
            PdWire.writeString(out, name);
            out.writeInt(newCount);
        }, PdWire::readTopic);
    }

    @Override
    public CompletableFuture<Void> deleteTopic(String name) {
        return call(PdRpc.DELETE_TOPIC, out -> PdWire.writeString(out, name), PdWire::readNothing);
    }

    @Override
    public CompletableFuture<Optional<TopicInfo>> topic(String name) {
        return call(PdRpc.TOPIC, out -> PdWire.writeString(out, name), in -> PdWire.readOptional(in, PdWire::readTopic));
    }

    @Override
    public CompletableFuture<List<TopicInfo>> topics() {
        return call(PdRpc.TOPICS, out -> { }, in -> PdWire.readList(in, PdWire::readTopic));
    }

    @Override
    public CompletableFuture<List<PartitionMoveResult>> movePartitions(List<PartitionMove> moves) {
        return call(PdRpc.MOVE_PARTITIONS, out -> PdWire.writeList(out, moves, PdWire::writePartitionMove),
                in -> PdWire.readList(in, PdWire::readPartitionMoveResult));
    }

    @Override
    public Subscription watchPartitions(PartitionListener listener) {
        if (watcher == null) {
            throw new UnsupportedOperationException("this RemotePlacementService was built without a partition watcher");
        }
        return watcher.watch(listener);
    }

    @Override
    public CompletableFuture<StreamInfo> describeStream(long streamId) {
        return call(PdRpc.DESCRIBE_STREAM, out -> out.writeLong(streamId), PdWire::readStream);
    }

    @Override
    public CompletableFuture<StreamInfo> openStreamForWrite(long streamId) {
        return call(PdRpc.OPEN_STREAM_FOR_WRITE, out -> out.writeLong(streamId), PdWire::readStream);
    }

    @Override
    public CompletableFuture<RangeInfo> createRange(long streamId, long epoch, int index, long startOffset,
                                                    Set<Integer> avoidServerIds) {
        List<Integer> avoid = List.copyOf(avoidServerIds);
        return call(PdRpc.CREATE_RANGE, out -> {
            out.writeLong(streamId);
            out.writeLong(epoch);
            out.writeInt(index);
            out.writeLong(startOffset);
            PdWire.writeList(out, avoid, DataOutput::writeInt);
        }, PdWire::readRange);
    }

    @Override
    public CompletableFuture<RangeInfo> sealRange(long streamId, long epoch, int index, long endOffset) {
        return call(PdRpc.SEAL_RANGE, out -> {
            out.writeLong(streamId);
            out.writeLong(epoch);
            out.writeInt(index);
            out.writeLong(endOffset);
        }, PdWire::readRange);
    }

    @Override
    public CompletableFuture<Void> putProducerSnapshot(long streamId, long epoch, ProducerSnapshot snapshot) {
        return call(PdRpc.PUT_PRODUCER_SNAPSHOT, out -> {
            out.writeLong(streamId);
            out.writeLong(epoch);
            PdWire.writeProducerSnapshot(out, snapshot);
        }, PdWire::readNothing);
    }

    @Override
    public CompletableFuture<Optional<ProducerSnapshot>> producerSnapshot(long streamId) {
        return call(PdRpc.PRODUCER_SNAPSHOT, out -> out.writeLong(streamId),
                in -> PdWire.readOptional(in, PdWire::readProducerSnapshot));
    }

    @Override
    public CompletableFuture<Long> trimStream(long streamId, long epoch, long newStartOffset) {
        return call(PdRpc.TRIM_STREAM, out -> {
            out.writeLong(streamId);
            out.writeLong(epoch);
            out.writeLong(newStartOffset);
        }, PdWire::readLong);
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(int count) {
        return call(PdRpc.ALLOCATE_PRODUCER_IDS, out -> out.writeInt(count), PdWire::readLong);
    }

    @Override
    public CompletableFuture<Map<String, String>> alterGroupConfigs(String groupId, Map<String, String> configs) {
        return call(PdRpc.ALTER_GROUP_CONFIGS, out -> {
            PdWire.writeString(out, groupId);
            PdWire.writeStringMap(out, configs);
        }, PdWire::readStringMap);
    }

    @Override
    public CompletableFuture<Map<String, String>> groupConfigs(String groupId) {
        return call(PdRpc.GROUP_CONFIGS, out -> PdWire.writeString(out, groupId), PdWire::readStringMap);
    }

    @Override
    public CompletableFuture<Void> alterScramCredentials(List<ScramCredential> upserts,
                                                         List<ScramCredential.Key> deletions) {
        return call(PdRpc.ALTER_SCRAM_CREDENTIALS, out -> {
            PdWire.writeList(out, upserts, PdWire::writeScramCredential);
            PdWire.writeList(out, deletions, PdWire::writeScramKey);
        }, PdWire::readNothing);
    }

    @Override
    public CompletableFuture<List<ScramCredential>> scramCredentials() {
        return call(PdRpc.SCRAM_CREDENTIALS, out -> { }, in -> PdWire.readList(in, PdWire::readScramCredential));
    }

    @Override
    public CompletableFuture<List<ScramCredential>> scramCredentials(String user) {
        return call(PdRpc.USER_SCRAM_CREDENTIALS, out -> PdWire.writeString(out, user),
                in -> PdWire.readList(in, PdWire::readScramCredential));
    }

    @Override
    public void close() {
        http.close();
    }

    // ---- calls -----------------------------------------------------------------------------------

    /** Arguments of one call. */
    @FunctionalInterface
    public interface Args {
        void write(DataOutput out) throws IOException;
    }

    /**
     * Calls {@code method} on the leader: {@code args} writes the arguments, {@code result} reads the
     * answer. Public so a method added to {@link PlacementService} later is one line here.
     */
    public <T> CompletableFuture<T> call(String method, Args args, PdWire.Reader<T> result) {
        byte[] body = PdWire.bytes((out, ignored) -> args.write(out));
        Call<T> call = new Call<>(method, body, result, clock.monotonicMillis() + config.callTimeoutMs());
        attempt(call);
        return call.future;
    }

    private <T> void attempt(Call<T> call) {
        long remainingMs = call.deadlineMs - clock.monotonicMillis();
        if (remainingMs <= 0) {
            call.future.completeExceptionally(new PlacementException("PD call " + call.method
                    + ": no placement driver leader answered within " + config.callTimeoutMs() + " ms"
                    + (call.lastProblem == null ? "" : " (last: " + call.lastProblem + ")")));
            return;
        }
        String target = leaderAddress;
        if (target == null) {
            target = config.addresses().get(Math.floorMod(nextAddress.getAndIncrement(), config.addresses().size()));
        }
        String to = target;
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + to + PdRpc.RPC_PATH + call.method))
                .timeout(Duration.ofMillis(Math.min(config.requestTimeoutMs(), remainingMs)))
                .header("Content-Type", PdRpc.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(call.body))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, error) -> {
            try {
                if (error != null) {
                    forget(to);
                    retryLater(call, to + ": " + error);
                } else {
                    onResponse(call, to, response);
                }
            } catch (RuntimeException e) {
                call.future.completeExceptionally(new PlacementException("PD call " + call.method + " failed", e));
            }
        });
    }

    private <T> void onResponse(Call<T> call, String from, HttpResponse<byte[]> response) {
        Optional<String> leader = response.headers().firstValue(PdRpc.LEADER_HEADER).filter(s -> !s.isBlank());
        switch (response.statusCode()) {
            case PdRpc.OK -> {
                leaderAddress = from;
                try {
                    call.future.complete(PdWire.decode(call.result, response.body()));
                } catch (IOException e) {
                    call.future.completeExceptionally(new PlacementException("PD call " + call.method
                            + ": undecodable answer from " + from, e));
                }
            }
            case PdRpc.REDIRECT -> {
                if (leader.isPresent() && !leader.get().equals(from) && call.redirects++ < 2 * config.addresses().size()) {
                    leaderAddress = leader.get();
                    attempt(call);
                } else {
                    forget(from);
                    retryLater(call, from + " redirected to " + leader.orElse("nobody"));
                }
            }
            case PdRpc.UNAVAILABLE -> {
                leaderAddress = leader.filter(l -> !l.equals(from)).orElse(null);
                retryLater(call, from + " has no leader");
            }
            case PdRpc.FAILED -> {
                leaderAddress = from;
                try {
                    call.future.completeExceptionally(PdWire.decode(PdErrors::read, response.body()));
                } catch (IOException e) {
                    call.future.completeExceptionally(new PlacementException("PD call " + call.method
                            + ": undecodable error from " + from, e));
                }
            }
            default -> call.future.completeExceptionally(new PlacementException("PD call " + call.method + ": "
                    + from + " answered HTTP " + response.statusCode() + " "
                    + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    private void forget(String address) {
        if (address.equals(leaderAddress)) {
            leaderAddress = null;
        }
    }

    private <T> void retryLater(Call<T> call, String problem) {
        call.lastProblem = problem;
        call.redirects = 0;
        long backoffMs = Math.min(config.maxBackoffMs(), config.minBackoffMs() << Math.min(call.retries++, 16));
        LOG.debug("PD call {}: {}; retrying in {} ms", call.method, problem, backoffMs);
        CompletableFuture.delayedExecutor(backoffMs, TimeUnit.MILLISECONDS).execute(() -> attempt(call));
    }

    /** One call in flight; its retry state is touched by one attempt at a time. */
    private static final class Call<T> {
        final String method;
        final byte[] body;
        final PdWire.Reader<T> result;
        final long deadlineMs;
        final CompletableFuture<T> future = new CompletableFuture<>();
        volatile int retries;
        volatile int redirects;
        volatile String lastProblem;

        Call(String method, byte[] body, PdWire.Reader<T> result, long deadlineMs) {
            this.method = method;
            this.body = body;
            this.result = result;
            this.deadlineMs = deadlineMs;
        }
    }
}
