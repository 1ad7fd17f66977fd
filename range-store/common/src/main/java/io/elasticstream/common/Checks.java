package io.elasticstream.common;

/**
 * Always-on invariant and argument checks. They stay on in production: a violated invariant is a
 * bug, and continuing would risk acknowledged data. Callers catch {@link InvariantViolation} at the
 * boundary of the affected unit (a range, a partition) and stop only that unit.
 */
public final class Checks {
    private Checks() {
    }

    /** Thrown when something that must never happen happened. */
    public static final class InvariantViolation extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public InvariantViolation(String message) {
            super(message);
        }
    }

    /** An internal invariant: failing means a bug in this code base. */
    public static void state(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new InvariantViolation(String.format(format, args));
        }
    }

    /** A precondition on an argument supplied by a caller. */
    public static void argument(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }

    public static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return value;
    }
}
