package io.elasticstream.placement.member;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Keeps one member (a broker or a range server) live at PD: registers it, then heartbeats every
 * {@code heartbeatIntervalMs} with the load its supplier reports, and registers again whenever PD
 * answers {@link PlacementException.SessionExpired}. Other failures (PD unreachable, a slow store) are
 * logged and retried at the next beat; if they last longer than PD's session TTL the session expires and
 * the next successful contact re-registers.
 *
 * <p>The interval should be about a third of PD's session TTL ({@code PlacementConfig.memberSessionTtlMs},
 * 6 s by default, hence {@link #DEFAULT_HEARTBEAT_INTERVAL_MS}), so one lost beat does not kill the
 * session.
 *
 * <p>Threading: one scheduler thread per session runs every beat; the next beat is scheduled only when
 * the previous request completed (or timed out), so requests never pile up. The load supplier runs on
 * that thread and must not block.
 */
public final class MemberSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemberSession.class);

    /** A third of PD's default session TTL of 6 s. */
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 2_000;
    /** How long one registration attempt may take (a fresh process's first call to PD can be slow). */
    static final long REGISTRATION_TIMEOUT_MS = 5_000;

    private final String member;
    private final Supplier<CompletableFuture<Void>> register;
    private final Supplier<CompletableFuture<Void>> heartbeat;
    private final Supplier<CompletableFuture<Void>> unregister;
    private final long heartbeatIntervalMs;
    private final ScheduledExecutorService scheduler;
    private final CompletableFuture<Void> firstRegistration = new CompletableFuture<>();
    private final AtomicLong registrations = new AtomicLong();
    /** Scheduler thread only. */
    private boolean registered;
    private volatile boolean closed;

    private MemberSession(String member, Supplier<CompletableFuture<Void>> register,
                          Supplier<CompletableFuture<Void>> heartbeat, Supplier<CompletableFuture<Void>> unregister,
                          long heartbeatIntervalMs) {
        Checks.argument(heartbeatIntervalMs > 0, "heartbeatIntervalMs %d must be positive", heartbeatIntervalMs);
        this.member = member;
        this.register = register;
        this.heartbeat = heartbeat;
        this.unregister = unregister;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("member-session-" + member.replace(' ', '-')).daemon().factory());
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler = executor;
    }

    /** A session for broker {@code broker}; not started. */
    public static MemberSession forBroker(PlacementService placement, BrokerInfo broker, Supplier<BrokerLoad> load,
                                          long heartbeatIntervalMs) {
        Checks.notNull(placement, "placement");
        Checks.notNull(broker, "broker");
        Checks.argument(broker.id() >= 0, "broker id %d must not be negative", broker.id());
        Checks.notNull(load, "load");
        return new MemberSession("broker " + broker.id(), () -> placement.registerBroker(broker),
                () -> placement.heartbeatBroker(broker.id(), load.get()), () -> placement.unregisterBroker(broker.id()),
                heartbeatIntervalMs);
    }

    /** A session for range server {@code server}; not started. */
    public static MemberSession forRangeServer(PlacementService placement, RangeServerInfo server,
                                               Supplier<RangeServerLoad> load, long heartbeatIntervalMs) {
        Checks.notNull(placement, "placement");
        Checks.notNull(server, "server");
        Checks.argument(server.id() >= 0, "range server id %d must not be negative", server.id());
        Checks.notNull(load, "load");
        return new MemberSession("range server " + server.id(), () -> placement.registerRangeServer(server),
                () -> placement.heartbeatRangeServer(server.id(), load.get()),
                () -> CompletableFuture.completedFuture(null), // range servers have no unregister yet: TTL
                heartbeatIntervalMs);
    }

    /**
     * Registers and starts heartbeating. The result completes once the first registration succeeded. A
     * registration that fails for a passing reason (no PD leader yet, a timeout, PD unreachable) is retried
     * every heartbeat interval, as a Kafka broker keeps retrying its registration with the controller; the
     * result fails only if the session is closed first. (Invalid ids are refused when the session is made.)
     */
    public CompletableFuture<Void> start() {
        submit(0);
        return firstRegistration.copy();
    }

    /** How many times this session has registered so far (1 after a start without expiry). */
    public long registrations() {
        return registrations.get();
    }

    /**
     * Stops heartbeating and ends the session at PD now (a broker's partitions move at once instead of
     * after the TTL; a range server's session still expires after the TTL). Completes when PD ended it,
     * or with PD's error; the session is closed either way. A registration already in flight may still
     * land afterwards, in which case the session expires after the TTL as after {@link #close}.
     */
    public CompletableFuture<Void> leave() {
        close();
        try {
            return unregister.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Stops heartbeating; PD lets the session expire after its TTL. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.shutdownNow();
        firstRegistration.completeExceptionally(new PlacementException(member + ": session closed"));
    }

    private void submit(long delayMs) {
        try {
            scheduler.schedule(this::beat, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** On the scheduler thread: one register or heartbeat, then the next beat once it completed. */
    private void beat() {
        if (closed) {
            return;
        }
        boolean registering = !registered;
        CompletableFuture<Void> request;
        try {
            request = registering ? register.get() : heartbeat.get();
        } catch (RuntimeException e) {
            request = CompletableFuture.failedFuture(e);
        }
        long timeoutMs = registering ? Math.max(heartbeatIntervalMs, REGISTRATION_TIMEOUT_MS)
                : Math.max(heartbeatIntervalMs, 1_000);
        request.orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .whenCompleteAsync((ok, error) -> afterBeat(registering, error), scheduler)
                .exceptionally(error -> null); // rejected after close: nothing left to do
    }

    private void afterBeat(boolean registering, Throwable error) {
        if (closed) {
            return;
        }
        Throwable cause = unwrap(error);
        if (cause == null) {
            if (registering) {
                registered = true;
                registrations.incrementAndGet();
                LOG.info("{}: registered with the placement driver", member);
                firstRegistration.complete(null);
            }
            submit(heartbeatIntervalMs);
        } else if (cause instanceof PlacementException.SessionExpired) {
            LOG.warn("{}: session expired at the placement driver; registering again", member);
            registered = false;
            submit(0);
        } else {
            LOG.warn("{}: {} failed: {}", member, registering ? "registration" : "heartbeat", cause.toString());
            submit(heartbeatIntervalMs);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    public String toString() {
        return "MemberSession[" + member + "]";
    }
}
