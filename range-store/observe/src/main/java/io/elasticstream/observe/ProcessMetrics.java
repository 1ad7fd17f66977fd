package io.elasticstream.observe;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import com.codahale.metrics.jvm.CachedThreadStatesGaugeSet;
import com.codahale.metrics.jvm.ClassLoadingGaugeSet;
import com.codahale.metrics.jvm.GarbageCollectorMetricSet;
import com.codahale.metrics.jvm.MemoryUsageGaugeSet;
import java.util.concurrent.TimeUnit;

/**
 * The metric registry of one process: created once by the process main, passed to every role's
 * constructor, and reported over JMX (domain {@value #JMX_DOMAIN}) until {@link #close}. JVM metrics
 * are registered under {@code jvm.*}: {@code jvm.memory.*} (heap, non-heap, pools), {@code jvm.gc.*}
 * (count and time per collector), {@code jvm.threads.*} (count, daemon count, per state) and
 * {@code jvm.classes.*}.
 */
public final class ProcessMetrics implements AutoCloseable {
    public static final String JMX_DOMAIN = "io.elasticstream";

    private final MetricRegistry registry;
    private final JmxReporter jmx;

    private ProcessMetrics(MetricRegistry registry, JmxReporter jmx) {
        this.registry = registry;
        this.jmx = jmx;
    }

    /** A new registry with the JVM metrics, reported over JMX. */
    public static ProcessMetrics start() {
        MetricRegistry registry = new MetricRegistry();
        registerJvm(registry);
        JmxReporter jmx = JmxReporter.forRegistry(registry).inDomain(JMX_DOMAIN).build();
        jmx.start();
        return new ProcessMetrics(registry, jmx);
    }

    /** Adds {@code jvm.memory.*}, {@code jvm.gc.*}, {@code jvm.threads.*} and {@code jvm.classes.*}. */
    public static void registerJvm(MetricRegistry registry) {
        registry.register("jvm.memory", new MemoryUsageGaugeSet());
        registry.register("jvm.gc", new GarbageCollectorMetricSet());
        registry.register("jvm.threads", new CachedThreadStatesGaugeSet(1, TimeUnit.SECONDS));
        registry.register("jvm.classes", new ClassLoadingGaugeSet());
    }

    public MetricRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        jmx.close();
    }
}
