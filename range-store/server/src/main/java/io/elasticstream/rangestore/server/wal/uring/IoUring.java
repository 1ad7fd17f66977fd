package io.elasticstream.rangestore.server.wal.uring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance, driven by raw system calls through FFM: {@code io_uring_setup} (425) and
 * {@code io_uring_enter} (426) via libc's variadic {@code syscall}, rings mapped with {@code mmap}.
 * Requests are queued with {@link #prepareWrite} / {@link #prepareFsync}, submitted together with
 * {@link #submitAndWait}, and their results read back by user data. Used by one thread at a time.
 *
 * <p>Memory ordering: the SQ tail is published with a release store after the entries are written;
 * the CQ tail is read with an acquire load and the CQ head released after the entries are read.
 */
@SuppressWarnings("restricted") // FFM downcalls and reinterpreting mmap results are the point of this class
public final class IoUring implements AutoCloseable {
    public static final byte IORING_OP_FSYNC = 3;
    public static final byte IORING_OP_WRITE = 23;
    public static final int IORING_FSYNC_DATASYNC = 1;
    public static final byte IOSQE_IO_DRAIN = 2;
    public static final byte IOSQE_IO_LINK = 4;

    private static final long SYS_IO_URING_SETUP = 425;
    private static final long SYS_IO_URING_ENTER = 426;
    private static final int IORING_ENTER_GETEVENTS = 1;
    private static final int IORING_FEAT_SINGLE_MMAP = 1;
    private static final long IORING_OFF_SQ_RING = 0L;
    private static final long IORING_OFF_CQ_RING = 0x8000000L;
    private static final long IORING_OFF_SQES = 0x10000000L;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;
    private static final int PARAMS_BYTES = 120;
    private static final int SQE_BYTES = 64;
    private static final int CQE_BYTES = 16;

    private static final MethodHandle SYSCALL = NativeFiles.LINKER.downcallHandle(
            NativeFiles.LIBC.find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG),
            NativeFiles.CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle MMAP = NativeFiles.LINKER.downcallHandle(
            NativeFiles.LIBC.find("mmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
            NativeFiles.CAPTURE_ERRNO);
    private static final MethodHandle MUNMAP = NativeFiles.LINKER.downcallHandle(
            NativeFiles.LIBC.find("munmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final int ringFd;
    private final MemorySegment callState;
    private final Arena arena;
    private final MemorySegment rings;
    private final long ringsBytes;
    private final MemorySegment sqes;
    private final long sqesBytes;
    private final int sqHeadOffset;
    private final int sqTailOffset;
    private final int sqMask;
    private final int sqEntries;
    private final int sqArrayOffset;
    private final int cqHeadOffset;
    private final int cqTailOffset;
    private final int cqMask;
    private final int cqesOffset;
    private int pendingSubmissions;
    private boolean closed;

    private IoUring(int ringFd, Arena arena, MemorySegment callState, MemorySegment params) throws IOException {
        this.ringFd = ringFd;
        this.arena = arena;
        this.callState = callState;
        this.sqEntries = params.get(ValueLayout.JAVA_INT, 0);
        int cqEntries = params.get(ValueLayout.JAVA_INT, 4);
        int features = params.get(ValueLayout.JAVA_INT, 20);
        this.sqHeadOffset = params.get(ValueLayout.JAVA_INT, 40);
        this.sqTailOffset = params.get(ValueLayout.JAVA_INT, 44);
        int sqMaskOffset = params.get(ValueLayout.JAVA_INT, 48);
        this.sqArrayOffset = params.get(ValueLayout.JAVA_INT, 64);
        this.cqHeadOffset = params.get(ValueLayout.JAVA_INT, 80);
        this.cqTailOffset = params.get(ValueLayout.JAVA_INT, 84);
        int cqMaskOffset = params.get(ValueLayout.JAVA_INT, 88);
        this.cqesOffset = params.get(ValueLayout.JAVA_INT, 100);
        if ((features & IORING_FEAT_SINGLE_MMAP) == 0) {
            throw new IOException("io_uring without IORING_FEAT_SINGLE_MMAP (kernel older than 5.4) is not supported");
        }
        this.ringsBytes = Math.max(sqArrayOffset + 4L * sqEntries, cqesOffset + (long) CQE_BYTES * cqEntries);
        this.rings = map(ringsBytes, IORING_OFF_SQ_RING);
        this.sqesBytes = (long) SQE_BYTES * sqEntries;
        MemorySegment mappedSqes;
        try {
            mappedSqes = map(sqesBytes, IORING_OFF_SQES);
        } catch (IOException e) {
            unmap(rings, ringsBytes);
            throw e;
        }
        this.sqes = mappedSqes;
        this.sqMask = rings.get(ValueLayout.JAVA_INT, sqMaskOffset);
        this.cqMask = rings.get(ValueLayout.JAVA_INT, cqMaskOffset);
    }

    /**
     * Sets up a ring with at least {@code entries} submission entries.
     *
     * @throws UnavailableException if the kernel refuses io_uring (ENOSYS, EPERM, EACCES: no support,
     *                              seccomp, {@code kernel.io_uring_disabled})
     * @throws IOException          on any other failure
     */
    public static IoUring setup(int entries) throws IOException {
        Arena arena = Arena.ofShared();
        boolean ok = false;
        try {
            MemorySegment callState = arena.allocate(NativeFiles.CALL_STATE);
            MemorySegment params = arena.allocate(PARAMS_BYTES, 8);
            long fd = (long) SYSCALL.invokeExact(callState, SYS_IO_URING_SETUP, (long) entries, params.address(),
                    0L, 0L, 0L, 0L);
            if (fd < 0) {
                int errno = NativeFiles.errno(callState);
                String message = "io_uring_setup failed: " + NativeFiles.describe(errno);
                if (errno == NativeFiles.ENOSYS || errno == NativeFiles.EPERM || errno == NativeFiles.EACCES) {
                    throw new UnavailableException(message);
                }
                throw new IOException(message);
            }
            try {
                IoUring ring = new IoUring((int) fd, arena, callState, params);
                ok = true;
                return ring;
            } catch (IOException | RuntimeException e) {
                NativeFiles.closeQuietly((int) fd);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("io_uring_setup failed", t);
        } finally {
            if (!ok) {
                arena.close();
            }
        }
    }

    /** io_uring is refused by this kernel or its security policy. */
    public static final class UnavailableException extends IOException {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message) {
            super(message);
        }
    }

    private MemorySegment map(long bytes, long offset) throws IOException {
        try {
            long address = (long) MMAP.invokeExact(callState, 0L, bytes, PROT_READ_WRITE, MAP_SHARED_POPULATE,
                    ringFd, offset);
            if (address == -1L) {
                throw new IOException("mmap of io_uring rings failed: " + NativeFiles.describe(NativeFiles.errno(callState)));
            }
            return MemorySegment.ofAddress(address).reinterpret(bytes);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("mmap failed", t);
        }
    }

    private static void unmap(MemorySegment mapped, long bytes) {
        try {
            int ignored = (int) MUNMAP.invokeExact(mapped.address(), bytes);
        } catch (Throwable t) {
            // nothing to recover
        }
    }

    /** Queues {@code write(fd, buffer, length) at fileOffset}; {@code buffer} must stay valid until completion. */
    public void prepareWrite(int fd, MemorySegment buffer, int length, long fileOffset, byte flags, long userData) {
        MemorySegment sqe = nextSqe();
        sqe.set(ValueLayout.JAVA_BYTE, 0, IORING_OP_WRITE);
        sqe.set(ValueLayout.JAVA_BYTE, 1, flags);
        sqe.set(ValueLayout.JAVA_INT, 4, fd);
        sqe.set(ValueLayout.JAVA_LONG, 8, fileOffset);
        sqe.set(ValueLayout.JAVA_LONG, 16, buffer.address());
        sqe.set(ValueLayout.JAVA_INT, 24, length);
        sqe.set(ValueLayout.JAVA_LONG, 32, userData);
    }

    /** Queues an fdatasync of {@code fd} ({@code IORING_FSYNC_DATASYNC}). */
    public void prepareFsync(int fd, byte flags, long userData) {
        MemorySegment sqe = nextSqe();
        sqe.set(ValueLayout.JAVA_BYTE, 0, IORING_OP_FSYNC);
        sqe.set(ValueLayout.JAVA_BYTE, 1, flags);
        sqe.set(ValueLayout.JAVA_INT, 4, fd);
        sqe.set(ValueLayout.JAVA_INT, 28, IORING_FSYNC_DATASYNC);
        sqe.set(ValueLayout.JAVA_LONG, 32, userData);
    }

    private MemorySegment nextSqe() {
        int head = (int) INT.getAcquire(rings, (long) sqHeadOffset);
        int tail = rings.get(ValueLayout.JAVA_INT, sqTailOffset) + pendingSubmissions;
        if (tail - head >= sqEntries) {
            throw new IllegalStateException("io_uring submission queue full (" + sqEntries + " entries)");
        }
        int index = tail & sqMask;
        MemorySegment sqe = sqes.asSlice((long) index * SQE_BYTES, SQE_BYTES);
        sqe.fill((byte) 0);
        rings.set(ValueLayout.JAVA_INT, sqArrayOffset + 4L * index, index);
        pendingSubmissions++;
        return sqe;
    }

    /**
     * Publishes the queued requests, submits them and waits until {@code completions} results are
     * available; each result is passed to {@code sink} as (user data, result: bytes or -errno).
     */
    public void submitAndWait(int completions, CompletionSink sink) throws IOException {
        int tail = rings.get(ValueLayout.JAVA_INT, sqTailOffset);
        INT.setRelease(rings, (long) sqTailOffset, tail + pendingSubmissions);
        int toSubmit = pendingSubmissions;
        pendingSubmissions = 0;
        int reaped = 0;
        while (true) {
            reaped += reap(sink);
            if (reaped >= completions && toSubmit == 0) {
                return;
            }
            int waitFor = Math.max(0, completions - reaped);
            long submitted = enter(toSubmit, waitFor, waitFor > 0 ? IORING_ENTER_GETEVENTS : 0);
            toSubmit -= (int) submitted;
        }
    }

    private long enter(int toSubmit, int minComplete, int flags) throws IOException {
        try {
            while (true) {
                long result = (long) SYSCALL.invokeExact(callState, SYS_IO_URING_ENTER, (long) ringFd,
                        (long) toSubmit, (long) minComplete, (long) flags, 0L, 0L);
                if (result >= 0) {
                    return result;
                }
                int errno = NativeFiles.errno(callState);
                if (errno != NativeFiles.EINTR && errno != NativeFiles.EAGAIN) {
                    throw new IOException("io_uring_enter failed: " + NativeFiles.describe(errno));
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("io_uring_enter failed", t);
        }
    }

    private int reap(CompletionSink sink) throws IOException {
        int head = rings.get(ValueLayout.JAVA_INT, cqHeadOffset);
        int tail = (int) INT.getAcquire(rings, (long) cqTailOffset);
        int count = 0;
        while (head != tail) {
            long cqe = cqesOffset + (long) (head & cqMask) * CQE_BYTES;
            long userData = rings.get(ValueLayout.JAVA_LONG, cqe);
            int result = rings.get(ValueLayout.JAVA_INT, cqe + 8);
            head++;
            count++;
            sink.onCompletion(userData, result);
        }
        INT.setRelease(rings, (long) cqHeadOffset, head);
        return count;
    }

    /** Receives completions. */
    @FunctionalInterface
    public interface CompletionSink {
        void onCompletion(long userData, int result);
    }

    /** Unmaps the rings and closes the ring. Idempotent. Nothing may be in flight. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        unmap(sqes, sqesBytes);
        unmap(rings, ringsBytes);
        NativeFiles.closeQuietly(ringFd);
        arena.close();
    }
}
