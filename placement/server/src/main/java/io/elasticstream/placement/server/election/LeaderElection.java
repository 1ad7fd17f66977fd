package io.elasticstream.placement.server.election;

import io.elasticstream.common.Checks;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.metadata.Compare;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.MetadataStore.TxnResult;
import io.elasticstream.placement.metadata.MetadataStore.WatchEvent;
import io.elasticstream.placement.metadata.MetadataStoreException;
import io.elasticstream.placement.metadata.Op;
import io.elasticstream.placement.metadata.Txn;
import io.elasticstream.placement.server.codec.Codecs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One candidate in the placement driver election (see the package description for the protocol).
 * Started with {@link #start}; {@link #close} resigns (revokes the lease, so a follower takes over at
 * once).
 *
 * <p>Threading: all state changes happen on the candidate's election thread: a tick every TTL/3 and
 * watch events handed over from the store. {@link #knownLeader()} and {@link #leadership()} may be
 * read from any thread.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
    private static final int CAMPAIGN_ATTEMPTS = 3;

    private final MetadataStore store;
    private final ElectionConfig config;
    private final Clock clock;
    private final ElectionListener listener;
    private final ScheduledExecutorService thread;

    /** Election thread only. */
    private Leadership current;
    /** Election thread only: monotonic ms of the last keep-alive the store confirmed. */
    private long lastKeepAliveOkMs;
    /** Election thread only. */
    private MetadataStore.Watch watch;
    /** Election thread only: events of an older watch are dropped. */
    private int watchGeneration;

    private volatile Leadership leading;
    private volatile PdLeader knownLeader;
    private volatile boolean closed;

    private LeaderElection(MetadataStore store, ElectionConfig config, Clock clock, ElectionListener listener) {
        this.store = Checks.notNull(store, "store");
        this.config = Checks.notNull(config, "config");
        this.clock = Checks.notNull(clock, "clock");
        this.listener = Checks.notNull(listener, "listener");
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("pd-election-" + config.candidateId()).daemon().factory());
    }

    /** Joins the election: campaigns at once if nobody leads, else follows. */
    public static LeaderElection start(MetadataStore store, ElectionConfig config, Clock clock,
                                       ElectionListener listener) {
        LeaderElection election = new LeaderElection(store, config, clock, listener);
        election.thread.scheduleWithFixedDelay(election::tick, 0, config.tickMs(), TimeUnit.MILLISECONDS);
        return election;
    }

    public ElectionConfig config() {
        return config;
    }

    /** The leader as last seen (possibly this candidate), if any. */
    public Optional<PdLeader> knownLeader() {
        return Optional.ofNullable(knownLeader);
    }

    /** This candidate's current leadership, if it leads. */
    public Optional<Leadership> leadership() {
        return Optional.ofNullable(leading);
    }

    /** Resigns if leading (revoking the lease, so another candidate takes over now) and stops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            thread.submit(() -> {
                closeWatch();
                if (current != null) {
                    Leadership ended = current;
                    try {
                        await(store.revokeLease(ended.leaseId()), config.tickMs());
                    } catch (RuntimeException e) {
                        LOG.warn("could not revoke leader lease {} on close: {}", ended.leaseId(), e.toString());
                    }
                    stepDown("closed");
                }
            }).get(config.leaseTtlMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.warn("election of {} did not stop cleanly: {}", config.candidateId(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
    }

    /** Stops without resigning, as a crash would: the lease is left to expire. For tests. */
    void halt() {
        closed = true;
        thread.shutdownNow();
        MetadataStore.Watch w = watch;
        if (w != null) {
            w.close();
        }
    }

    private void tick() {
        if (closed) {
            return;
        }
        try {
            if (watch == null) {
                openWatch();
            }
            if (current != null) {
                refresh();
            } else {
                checkAndCampaign();
            }
        } catch (RuntimeException e) {
            LOG.warn("election tick of {} failed: {}", config.candidateId(), e.toString());
        }
    }

    /** Leader: keep the lease alive and make sure the key is still ours. */
    private void refresh() {
        Leadership mine = current;
        try {
            await(store.keepAlive(mine.leaseId()), config.tickMs());
            lastKeepAliveOkMs = clock.monotonicMillis();
        } catch (RuntimeException e) {
            if (hasCause(e, MetadataStoreException.LeaseNotFound.class)) {
                stepDown("lease " + mine.leaseId() + " expired");
                checkAndCampaign();
                return;
            }
            long silentMs = clock.monotonicMillis() - lastKeepAliveOkMs;
            if (silentMs >= config.leaseTtlMs()) {
                stepDown("no keep-alive confirmed for " + silentMs + " ms");
                return;
            }
            LOG.warn("keep-alive of leader lease {} failed ({}), retrying", mine.leaseId(), e.toString());
            return;
        }
        Optional<KeyValue> key = await(store.get(config.leaderKey()), config.leaseTtlMs());
        if (key.isEmpty() || key.get().createRevision() != mine.createRevision()) {
            stepDown("leader key gone or replaced");
            checkAndCampaign();
        }
    }

    /** Follower: learn the leader, or campaign if there is none. */
    private void checkAndCampaign() {
        if (closed) {
            return;
        }
        Optional<KeyValue> key = await(store.get(config.leaderKey()), config.leaseTtlMs());
        if (key.isPresent()) {
            knownLeader = decode(key.get());
            return;
        }
        knownLeader = null;
        campaign();
    }

    private void campaign() {
        long leaseId = await(store.grantLease(config.leaseTtlMs()), config.leaseTtlMs());
        boolean won = false;
        try {
            for (int attempt = 0; attempt < CAMPAIGN_ATTEMPTS && !closed; attempt++) {
                Optional<KeyValue> termKv = await(store.get(config.termKey()), config.leaseTtlMs());
                long term = termKv.map(kv -> Codecs.COUNTER.decode(kv.value())).orElse(0L) + 1;
                PdLeader me = new PdLeader(config.candidateId(), config.rpcAddress(), term);
                Txn txn = Txn.builder()
                        .when(Compare.absent(config.leaderKey()),
                                Compare.modRevision(config.termKey(), termKv.map(KeyValue::modRevision).orElse(0L)))
                        .success(Op.put(config.leaderKey(), PdLeader.CODEC.encode(me), leaseId),
                                Op.put(config.termKey(), Codecs.COUNTER.encode(term)))
                        .failure(Op.get(config.leaderKey()))
                        .build();
                TxnResult result = await(store.txn(txn), config.leaseTtlMs());
                if (result.succeeded()) {
                    won = true;
                    becomeLeader(new Leadership(me, config.leaderKey(), leaseId, result.revision()));
                    return;
                }
                List<KeyValue> leader = result.results().isEmpty() ? List.of() : result.results().get(0);
                if (!leader.isEmpty()) {
                    knownLeader = decode(leader.get(0));
                    return;
                }
                // Only the term moved (a leader came and went in between): try again.
            }
        } finally {
            if (!won) {
                store.revokeLease(leaseId).exceptionally(e -> null);
            }
        }
    }

    private void becomeLeader(Leadership won) {
        current = won;
        leading = won;
        knownLeader = won.leader();
        lastKeepAliveOkMs = clock.monotonicMillis();
        LOG.info("{} is the placement driver leader, term {} (lease {}, revision {})", config.candidateId(),
                won.term(), won.leaseId(), won.createRevision());
        try {
            listener.onElected(won);
        } catch (RuntimeException e) {
            LOG.error("election listener failed on election of {}", won, e);
        }
    }

    private void stepDown(String reason) {
        Leadership ended = current;
        if (ended == null) {
            return;
        }
        current = null;
        leading = null;
        if (ended.leader().equals(knownLeader)) {
            knownLeader = null;
        }
        store.revokeLease(ended.leaseId()).exceptionally(e -> null);
        LOG.info("{} stepped down as placement driver leader of term {}: {}", config.candidateId(), ended.term(),
                reason);
        try {
            listener.onDeposed(ended, reason);
        } catch (RuntimeException e) {
            LOG.error("election listener failed on deposition of {}", ended, e);
        }
    }

    private void openWatch() {
        int generation = ++watchGeneration;
        watch = store.watchPrefix(config.leaderKey(), 0, new MetadataStore.WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                List<WatchEvent> copy = List.copyOf(events);
                onElectionThread(() -> onLeaderEvents(generation, copy));
            }

            @Override
            public void onError(Throwable error) {
                onElectionThread(() -> {
                    if (generation == watchGeneration) {
                        LOG.warn("leader watch of {} failed ({}); reopening", config.candidateId(), error.toString());
                        closeWatch();
                    }
                });
            }
        });
    }

    private void onLeaderEvents(int generation, List<WatchEvent> events) {
        if (closed || generation != watchGeneration) {
            return;
        }
        for (WatchEvent event : events) {
            if (!event.kv().key().equals(config.leaderKey())) {
                continue;
            }
            if (current != null && event.revision() <= current.createRevision()) {
                continue; // from before (or of) our own election: already accounted for
            }
            if (event.type() == WatchEvent.Type.PUT) {
                knownLeader = decode(event.kv());
                if (current != null && event.kv().createRevision() != current.createRevision()) {
                    stepDown("replaced by " + knownLeader);
                }
            } else {
                knownLeader = null;
                if (current != null) {
                    stepDown("leader key deleted");
                }
            }
        }
        if (current == null && knownLeader == null) {
            try {
                checkAndCampaign();
            } catch (RuntimeException e) {
                LOG.warn("campaign of {} failed: {}", config.candidateId(), e.toString());
            }
        }
    }

    private void onElectionThread(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("election closed; dropping a watch callback");
        }
    }

    private void closeWatch() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    private static PdLeader decode(KeyValue kv) {
        return PdLeader.CODEC.decode(kv.value());
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static <T> T await(CompletableFuture<T> future, long timeoutMs) {
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new MetadataStoreException("metadata store: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new MetadataStoreException("metadata store did not answer within " + timeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetadataStoreException("interrupted while waiting for the metadata store", e);
        }
    }
}
