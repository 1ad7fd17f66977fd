package io.elasticstream.broker.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.elasticstream.broker.net.ConnectionObserver;
import io.elasticstream.common.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * The broker's metrics. Fixed names:
 * <ul>
 *   <li>{@value #CONNECTIONS_OPEN} (gauge), {@value #CONNECTIONS_ACCEPTED} (meter)</li>
 *   <li>{@value #BYTES_IN}, {@value #BYTES_OUT} (meters: record bytes produced and fetched, all topics)</li>
 *   <li>{@value #PRODUCE_CONFIRM} (timer: produce request, acks 1 or all, until its response: the batch is
 *       durable on ackCount replicas)</li>
 *   <li>{@value #FETCH_LONG_POLL_EXPIRED} (meter: fetches that waited {@code max.wait.ms} and returned less
 *       than {@code min.bytes}), {@value #FETCH_LONG_POLL} (timer: fetches that asked to wait, until answered)</li>
 *   <li>{@value #TOPIC_CACHE}{@code .hits|misses|loads|load.failures|evictions} and {@code .hit.ratio}
 *       (gauges: the topic-id cache)</li>
 * </ul>
 * and per API, error and topic (the variable parts are the last name segments, labels in Prometheus):
 * {@code broker.requests.<Api>} (timer: rate and latency), {@code broker.request.errors.<Api>.<ERROR>}
 * (counter: error codes in responses, per partition where the response has them),
 * {@code broker.topic.bytes.in.<topic>} and {@code broker.topic.bytes.out.<topic>} (meters; '.' in a topic
 * name becomes '_').
 */
public final class BrokerMetrics implements ConnectionObserver {
    public static final String REQUESTS = "broker.requests.";
    public static final String ERRORS = "broker.request.errors.";
    public static final String TOPIC_BYTES_IN = "broker.topic.bytes.in.";
    public static final String TOPIC_BYTES_OUT = "broker.topic.bytes.out.";
    public static final String CONNECTIONS_OPEN = "broker.connections.open";
    public static final String CONNECTIONS_ACCEPTED = "broker.connections.accepted";
    public static final String BYTES_IN = "broker.bytes.in";
    public static final String BYTES_OUT = "broker.bytes.out";
    public static final String PRODUCE_CONFIRM = "broker.produce.confirm.latency";
    public static final String FETCH_LONG_POLL = "broker.fetch.longpoll.latency";
    public static final String FETCH_LONG_POLL_EXPIRED = "broker.fetch.longpoll.expired";
    public static final String TOPIC_CACHE = "broker.topic.cache";

    private final MetricRegistry registry;
    private final Clock clock;
    private final AtomicLong connectionsOpen = new AtomicLong();
    private final Meter connectionsAccepted;
    private final Meter bytesIn;
    private final Meter bytesOut;
    private final Timer produceConfirm;
    private final Timer fetchLongPoll;
    private final Meter fetchLongPollExpired;

    public BrokerMetrics(MetricRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        registry.register(CONNECTIONS_OPEN, (Gauge<Long>) connectionsOpen::get);
        connectionsAccepted = registry.meter(CONNECTIONS_ACCEPTED);
        bytesIn = registry.meter(BYTES_IN);
        bytesOut = registry.meter(BYTES_OUT);
        produceConfirm = registry.timer(PRODUCE_CONFIRM);
        fetchLongPoll = registry.timer(FETCH_LONG_POLL);
        fetchLongPollExpired = registry.meter(FETCH_LONG_POLL_EXPIRED);
    }

    /** Exports {@code stats} (read at each report) as {@value #TOPIC_CACHE}{@code .*} gauges. */
    public void registerTopicCache(Supplier<CacheStats> stats) {
        registry.register(TOPIC_CACHE + ".hits", (Gauge<Long>) () -> stats.get().hitCount());
        registry.register(TOPIC_CACHE + ".misses", (Gauge<Long>) () -> stats.get().missCount());
        registry.register(TOPIC_CACHE + ".loads", (Gauge<Long>) () -> stats.get().loadCount());
        registry.register(TOPIC_CACHE + ".load.failures", (Gauge<Long>) () -> stats.get().loadFailureCount());
        registry.register(TOPIC_CACHE + ".evictions", (Gauge<Long>) () -> stats.get().evictionCount());
        registry.register(TOPIC_CACHE + ".hit.ratio", (Gauge<Double>) () -> stats.get().hitRate());
    }

    public Clock clock() {
        return clock;
    }

    public MetricRegistry registry() {
        return registry;
    }

    @Override
    public void onOpen() {
        connectionsOpen.incrementAndGet();
        connectionsAccepted.mark();
    }

    @Override
    public void onClose() {
        connectionsOpen.decrementAndGet();
    }

    Timer requests(ApiKeys api) {
        return registry.timer(REQUESTS + api.name);
    }

    void onError(ApiKeys api, Errors error, int count) {
        registry.counter(ERRORS + api.name + "." + error.name()).inc(count);
    }

    void onBytesIn(String topic, long bytes) {
        bytesIn.mark(bytes);
        registry.meter(TOPIC_BYTES_IN + segment(topic)).mark(bytes);
    }

    void onBytesOut(String topic, long bytes) {
        bytesOut.mark(bytes);
        registry.meter(TOPIC_BYTES_OUT + segment(topic)).mark(bytes);
    }

    Timer produceConfirm() {
        return produceConfirm;
    }

    Timer fetchLongPoll() {
        return fetchLongPoll;
    }

    void onFetchLongPollExpired() {
        fetchLongPollExpired.mark();
    }

    /** A topic name as one name segment: '.' would split it, so it becomes '_' (as in Kafka's metrics). */
    static String segment(String topic) {
        return topic.replace('.', '_');
    }
}
