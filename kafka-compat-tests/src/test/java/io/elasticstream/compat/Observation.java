package io.elasticstream.compat;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;

/**
 * What one differential scenario saw a broker do: an ordered map of observation name to a normalised
 * value. Values never contain what must differ between two brokers for reasons that do not matter to a
 * client (the bootstrap port, wall-clock times, random ids); scenarios replace those with placeholders
 * ({@link #put} replaces the bootstrap address and port itself), so two correct brokers give equal
 * observations. Not thread-safe: one scenario run builds one observation.
 */
public final class Observation {
    /** Stands for the broker's bootstrap {@code host:port} in values. */
    public static final String BOOTSTRAP = "<bootstrap>";
    /** Stands for the broker's port in values. */
    public static final String PORT = "<port>";

    private final String bootstrapServers;
    private final String port;
    private final Map<String, String> values = new LinkedHashMap<>();

    /** An empty observation of the broker at {@code bootstrapServers} ({@code host:port}). */
    public Observation(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.port = bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1);
    }

    /** Records {@code value} (its string form, normalised) under {@code name}; a name may be recorded once. */
    public Observation put(String name, Object value) {
        String normalised = normalise(String.valueOf(value));
        if (values.putIfAbsent(name, normalised) != null) {
            throw new IllegalStateException("observation " + name + " recorded twice");
        }
        return this;
    }

    /**
     * Runs {@code action} and records what came of it: {@code ok} (or {@code ok:<result>} when it returns
     * something), or the Kafka error as {@code error:<ExceptionClass>} (the client's exception type is
     * how a Kafka error code reaches an application). Returns the result, or null after an error.
     */
    public <T> T outcome(String name, Callable<T> action) {
        try {
            T result = action.call();
            put(name, result == null ? "ok" : "ok:" + result);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during " + name, e);
        } catch (Exception e) {
            put(name, errorName(e));
            return null;
        }
    }

    /** {@code error:<simple class name>} of the Kafka exception behind {@code e} (unwrapping futures). */
    public static String errorName(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException
                || cause.getClass() == KafkaException.class) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return "error:" + cause.getClass().getSimpleName();
    }

    /** The recorded values, in recording order. */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    private String normalise(String value) {
        return value.replace(bootstrapServers, BOOTSTRAP).replace(":" + port, ":" + PORT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Observation other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        values.forEach((k, v) -> out.append("  ").append(k).append(" = ").append(v).append('\n'));
        return out.toString();
    }
}
