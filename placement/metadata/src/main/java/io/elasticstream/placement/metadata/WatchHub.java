package io.elasticstream.placement.metadata;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.metadata.MetadataStore.Watch;
import io.elasticstream.placement.metadata.MetadataStore.WatchEvent;
import io.elasticstream.placement.metadata.MetadataStore.WatchListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches of the embedded store: a bounded history of recent durable changes and the delivery of
 * changes to listeners.
 *
 * <p>Threading: {@link #publish} and {@link #register} run on the store's owner thread, which also
 * owns the history. Listeners are called on one delivery thread shared by all watches of the store.
 * Because registration and publication are ordered on the owner thread and both hand work to the
 * single delivery thread in that order, a watch sees the replayed history and then the live changes
 * with neither a gap nor a duplicate.
 */
final class WatchHub {
    private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);

    private final ExecutorService delivery;
    private volatile Thread deliveryThread;
    private final Set<WatchImpl> live = ConcurrentHashMap.newKeySet();

    // Owner thread only.
    private final ArrayDeque<List<WatchEvent>> history = new ArrayDeque<>();
    private final int maxHistoryEvents;
    private int historyEvents;
    private long compactedUpTo;
    private long publishedRevision;

    /**
     * @param revision the store revision at open: every change up to it is already durable.
     * @param historyComplete whether history from revision 1 is known (a brand-new store); otherwise
     *        watches can start only after {@code revision}.
     */
    WatchHub(long revision, boolean historyComplete, int maxHistoryEvents) {
        Checks.argument(maxHistoryEvents > 0, "maxHistoryEvents %d", maxHistoryEvents);
        this.maxHistoryEvents = maxHistoryEvents;
        this.publishedRevision = revision;
        this.compactedUpTo = historyComplete ? 0 : revision;
        this.delivery = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "metadata-watch-delivery");
            thread.setDaemon(true);
            deliveryThread = thread;
            return thread;
        });
    }

    WatchImpl newWatch(String prefix, WatchListener listener) {
        return new WatchImpl(Checks.notNull(prefix, "prefix"), Checks.notNull(listener, "listener"));
    }

    /** Owner thread: the watch starts at {@code startRevision} (0 = the next change). */
    void register(WatchImpl watch, long startRevision) {
        if (startRevision != 0 && startRevision <= compactedUpTo) {
            long compacted = compactedUpTo;
            deliver(() -> watch.fail(new MetadataStoreException.Compacted(startRevision, compacted)));
            return;
        }
        long from = startRevision == 0 ? publishedRevision + 1 : startRevision;
        List<List<WatchEvent>> replay = new ArrayList<>();
        if (from <= publishedRevision) {
            for (List<WatchEvent> txnEvents : history) {
                if (txnEvents.getFirst().revision() >= from) {
                    replay.add(txnEvents);
                }
            }
        }
        deliver(() -> watch.start(from, replay));
        live.add(watch);
        if (watch.closed) {
            live.remove(watch); // closed while its registration was queued
        }
    }

    /** Owner thread: the events of one durable transaction, all of one revision. */
    void publish(List<WatchEvent> txnEvents) {
        long revision = txnEvents.getFirst().revision();
        Checks.state(revision > publishedRevision, "publishing revision %d after %d", revision, publishedRevision);
        publishedRevision = revision;
        history.addLast(txnEvents);
        historyEvents += txnEvents.size();
        while (historyEvents > maxHistoryEvents && history.size() > 1) {
            List<WatchEvent> evicted = history.removeFirst();
            historyEvents -= evicted.size();
            compactedUpTo = evicted.getFirst().revision();
        }
        if (live.isEmpty()) {
            return;
        }
        WatchImpl[] targets = live.toArray(WatchImpl[]::new);
        deliver(() -> {
            for (WatchImpl watch : targets) {
                watch.receive(txnEvents);
            }
        });
    }

    /** Owner thread: forgets history up to and including {@code revision}, like etcd's compaction. */
    void compact(long revision) {
        while (!history.isEmpty() && history.getFirst().getFirst().revision() <= revision) {
            historyEvents -= history.removeFirst().size();
        }
        compactedUpTo = Math.max(compactedUpTo, Math.min(revision, publishedRevision));
    }

    /** Ends every watch with {@code error} and stops the delivery thread once it has delivered what is queued. */
    void close(Throwable error) {
        for (WatchImpl watch : live) {
            deliver(() -> watch.fail(error));
        }
        live.clear();
        delivery.shutdown();
    }

    /** Waits for the delivery thread to finish, unless called from it (a listener closing the store). */
    void awaitTermination(long timeoutMs) throws InterruptedException {
        if (Thread.currentThread() != deliveryThread && !delivery.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS)) {
            LOG.warn("metadata watch delivery did not stop within {} ms (a listener is blocking)", timeoutMs);
        }
    }

    /** Fails a watch whose registration never ran (the store closed first). */
    void failUnregistered(WatchImpl watch, Throwable error) {
        if (!deliver(() -> watch.fail(error))) {
            watch.fail(error); // delivery already stopped: tell the listener on this thread
        }
    }

    private boolean deliver(Runnable task) {
        try {
            delivery.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** One watch; its delivery state is touched only on the delivery thread. */
    final class WatchImpl implements Watch {
        private final String prefix;
        private final WatchListener listener;
        private volatile boolean closed;
        private boolean started;
        private long nextRevision;

        private WatchImpl(String prefix, WatchListener listener) {
            this.prefix = prefix;
            this.listener = listener;
        }

        private void start(long fromRevision, List<List<WatchEvent>> replay) {
            started = true;
            nextRevision = fromRevision;
            for (List<WatchEvent> txnEvents : replay) {
                receive(txnEvents);
            }
        }

        private void receive(List<WatchEvent> txnEvents) {
            Checks.state(started, "delivery to a watch before its start");
            long revision = txnEvents.getFirst().revision();
            if (closed || revision < nextRevision) {
                return;
            }
            nextRevision = revision + 1;
            List<WatchEvent> matching = new ArrayList<>(txnEvents.size());
            for (WatchEvent event : txnEvents) {
                if (event.kv().key().startsWith(prefix)) {
                    matching.add(event);
                }
            }
            if (matching.isEmpty()) {
                return;
            }
            try {
                listener.onEvents(List.copyOf(matching));
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                LOG.warn("metadata watch listener on prefix '{}' failed at revision {}", prefix, revision, t);
            }
        }

        private void fail(Throwable error) {
            if (closed) {
                return;
            }
            closed = true;
            live.remove(this);
            try {
                listener.onError(error);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                LOG.warn("metadata watch listener on prefix '{}' failed in onError", prefix, t);
            }
        }

        boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            live.remove(this);
        }

        @Override
        public String toString() {
            return "Watch[" + prefix + "]";
        }
    }
}
