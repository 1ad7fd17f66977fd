package io.elasticstream.rangestore.protocol;

/** Stream RPC operations. Codes never change once released. */
public enum Opcode {
    CREATE_RANGE(1),
    APPEND(2),
    FETCH(3),
    SEAL(4),
    TRIM(5),
    /** Server to server: the receiver pulls a sealed range from its replicas (see {@link CopyRangeRequest}). */
    COPY_RANGE(6);

    private final short code;

    Opcode(int code) {
        this.code = (short) code;
    }

    public short code() {
        return code;
    }

    /** The opcode for {@code code}, or null if unknown. */
    public static Opcode of(short code) {
        for (Opcode o : values()) {
            if (o.code == code) {
                return o;
            }
        }
        return null;
    }
}
