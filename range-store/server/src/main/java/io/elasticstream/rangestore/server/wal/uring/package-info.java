/**
 * A minimal io_uring binding through the Java FFM API (no JNI, no preview features): {@link
 * io.elasticstream.rangestore.server.wal.uring.IoUring} sets a ring up with raw {@code io_uring_setup}
 * / {@code io_uring_enter} system calls (through libc's {@code syscall}), maps its rings and submits
 * WRITE and FSYNC requests; {@link io.elasticstream.rangestore.server.wal.uring.NativeFiles} opens files
 * with {@code O_DIRECT}. Only what the WAL's io_uring engine needs.
 *
 * <p>Linux x86_64 and aarch64. Needs {@code --enable-native-access=ALL-UNNAMED} (else the JVM warns).
 * Threading: a ring is used by one thread at a time. Depends on the JDK only.
 */
package io.elasticstream.rangestore.server.wal.uring;
