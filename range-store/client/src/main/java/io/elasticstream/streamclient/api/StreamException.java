package io.elasticstream.streamclient.api;

/** Failures a stream user handles differently; everything else is {@link Unavailable}. */
public class StreamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StreamException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A newer writer opened the stream; this writer must stop. */
    public static final class Fenced extends StreamException {
        private static final long serialVersionUID = 1L;

        public Fenced(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A read outside {@code [startOffset, confirmedOffset]}. */
    public static final class OffsetOutOfRange extends StreamException {
        private static final long serialVersionUID = 1L;

        public OffsetOutOfRange(String message) {
            super(message, null);
        }
    }

    /** Storage or network trouble, or the stream was closed: retriable, possibly after reopening. */
    public static final class Unavailable extends StreamException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Too many unconfirmed bytes on this stream: retry after earlier appends complete. */
    public static final class Backpressure extends StreamException {
        private static final long serialVersionUID = 1L;

        public Backpressure(String message) {
            super(message, null);
        }
    }
}
