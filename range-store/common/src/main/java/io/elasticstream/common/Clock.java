package io.elasticstream.common;

/**
 * Time, injected. Logic never calls {@code System.nanoTime()} or {@code System.currentTimeMillis()}
 * directly, so timeouts, sessions and retention can be tested by advancing a {@link ManualClock}.
 */
public interface Clock {
    /** Monotonic time for measuring intervals; unrelated to wall time. */
    long nanoTime();

    /** Wall-clock time in milliseconds since the epoch (Kafka timestamps, retention). */
    long epochMillis();

    /** Monotonic milliseconds, derived from {@link #nanoTime()}. */
    default long monotonicMillis() {
        return nanoTime() / 1_000_000L;
    }

    /** The system clock. */
    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public String toString() {
            return "Clock.SYSTEM";
        }
    };
}
