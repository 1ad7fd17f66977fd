package io.elasticstream.placement.metadata;

/** An operating error of the metadata store: typed so callers can decide to retry. */
public class MetadataStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadataStoreException(String message) {
        super(message);
    }

    public MetadataStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The store is closed or unreachable; retriable against another instance or later. */
    public static final class Unavailable extends MetadataStoreException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The requested watch start revision has been compacted away. */
    public static final class Compacted extends MetadataStoreException {
        private static final long serialVersionUID = 1L;

        public Compacted(long requested, long compactedUpTo) {
            super("revision " + requested + " is compacted (history starts after " + compactedUpTo + ")");
        }
    }

    /** The lease expired or was revoked. */
    public static final class LeaseNotFound extends MetadataStoreException {
        private static final long serialVersionUID = 1L;

        public LeaseNotFound(long leaseId) {
            super("lease " + leaseId + " not found");
        }
    }
}
