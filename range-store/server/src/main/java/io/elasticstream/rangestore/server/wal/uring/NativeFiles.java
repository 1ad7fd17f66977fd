package io.elasticstream.rangestore.server.wal.uring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/** libc calls through FFM: {@code open}, {@code close}, {@code strerror}, with {@code errno} captured. Thread-safe. */
@SuppressWarnings("restricted") // FFM downcalls to libc are the point of this class
public final class NativeFiles {
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EPERM = 1;
    public static final int EACCES = 13;
    public static final int EINVAL = 22;
    public static final int ENOSYS = 38;

    static final int O_WRONLY = 1;
    static final int O_CLOEXEC = 0x80000;
    /** {@code O_DIRECT} differs between architectures. */
    static final int O_DIRECT = System.getProperty("os.arch").equals("aarch64") ? 0x10000 : 0x4000;

    private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LIBC.find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private static final MethodHandle PWRITE = LINKER.downcallHandle(LIBC.find("pwrite").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG),
            CAPTURE_ERRNO);
    private static final int ZERO_CHUNK_BYTES = 1 << 20;

    private NativeFiles() {
    }

    /**
     * Writes zeros over {@code [fromOffset, toOffset)} of an existing file with O_DIRECT (bypassing the
     * page cache; buffered where the file system refuses O_DIRECT). Both offsets must be multiples of
     * 4096. Does not sync.
     */
    public static void writeZerosDirect(Path path, long fromOffset, long toOffset) throws IOException {
        if (fromOffset % 4096 != 0 || toOffset % 4096 != 0) {
            throw new IllegalArgumentException("unaligned zero range [" + fromOffset + ", " + toOffset + ")");
        }
        int fd = openForDirectWrite(path);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment zeros = arena.allocate(ZERO_CHUNK_BYTES, 4096); // allocate() zeroes the memory
            long at = fromOffset;
            while (at < toOffset) {
                long length = Math.min(ZERO_CHUNK_BYTES, toOffset - at);
                long written = (long) PWRITE.invokeExact(state, fd, zeros, length, at);
                if (written < 0) {
                    int errno = errno(state);
                    if (errno == EINTR) {
                        continue;
                    }
                    throw new IOException("pwrite(" + path + ") failed: " + describe(errno));
                }
                at += written;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("pwrite(" + path + ") failed", t);
        } finally {
            closeQuietly(fd);
        }
    }

    /**
     * Opens {@code path} write-only with {@code O_DIRECT} (falling back to a buffered open when the file
     * system refuses O_DIRECT with EINVAL, like tmpfs) and returns the descriptor.
     */
    public static int openForDirectWrite(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment name = arena.allocateFrom(path.toString());
            int fd = (int) OPEN.invokeExact(state, name, O_WRONLY | O_CLOEXEC | O_DIRECT, 0);
            if (fd < 0 && errno(state) == EINVAL) {
                fd = (int) OPEN.invokeExact(state, name, O_WRONLY | O_CLOEXEC, 0);
            }
            if (fd < 0) {
                throw new IOException("open(" + path + ") failed: " + describe(errno(state)));
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("open(" + path + ") failed", t);
        }
    }

    /** Closes a descriptor, ignoring errors (nothing is pending: every write was synced). */
    public static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // a failed close of a synced file loses nothing
        }
    }

    /** {@code errno} as captured into {@code state} by a downcall. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** "EINVAL (22): Invalid argument"-style text for an errno value. */
    public static String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return "errno " + errno + " (" + text.reinterpret(256).getString(0) + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
