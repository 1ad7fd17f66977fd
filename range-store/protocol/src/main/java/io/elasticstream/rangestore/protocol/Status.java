package io.elasticstream.rangestore.protocol;

/** Outcome codes of stream RPC responses. Codes never change once released. */
public enum Status {
    OK(0, false),
    /** The request's epoch is older than the range's: a newer writer exists. */
    FENCED(1, false),
    RANGE_NOT_FOUND(2, false),
    /** The range is sealed: no more appends. */
    RANGE_SEALED(3, false),
    /** The append's base offset is not the range's next offset. */
    OFFSET_MISMATCH(4, false),
    /** A fetch below the range start or beyond its end. */
    OFFSET_OUT_OF_RANGE(5, false),
    /** Disk or WAL failure: try again later or elsewhere. */
    STORAGE_ERROR(6, true),
    INVALID_REQUEST(7, false),
    UNKNOWN_OPCODE(8, false),
    /** The server's write queue is full; nothing of the request was applied: try again later or elsewhere. */
    OVERLOADED(9, true);

    private final short code;
    private final boolean retriable;

    Status(int code, boolean retriable) {
        this.code = (short) code;
        this.retriable = retriable;
    }

    public short code() {
        return code;
    }

    public boolean retriable() {
        return retriable;
    }

    public static Status of(short code) {
        for (Status s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return INVALID_REQUEST;
    }
}
