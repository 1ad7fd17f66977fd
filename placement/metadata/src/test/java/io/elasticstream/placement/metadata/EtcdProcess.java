package io.elasticstream.placement.metadata;

import io.elasticstream.common.Clock;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-member etcd started from the {@code etcd} binary on PATH (Debian {@code etcd-server}),
 * on free loopback ports with its data under a given directory. Stopped by pid: SIGTERM, then SIGKILL.
 * {@link #kill()} and {@link #restart()} simulate a crash and recovery on the same data directory.
 *
 * <p>Heartbeat 50 ms and election timeout 500 ms make etcd's minimum lease TTL 1 s (it is
 * 1.5 x election timeout, rounded up to whole seconds) and start-up quick.
 */
public final class EtcdProcess implements AutoCloseable {
    private static final long READY_TIMEOUT_MS = 20_000;
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final Path etcdBinary;
    private final Path directory;
    private final int clientPort;
    private final int peerPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private Process process;

    private EtcdProcess(Path etcdBinary, Path directory, int clientPort, int peerPort) {
        this.etcdBinary = etcdBinary;
        this.directory = directory;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
    }

    /** Starts etcd with its data in {@code directory}/data and its output in {@code directory}/etcd.log; waits until healthy. */
    public static EtcdProcess start(Path directory) throws IOException, InterruptedException {
        EtcdProcess etcd = new EtcdProcess(findEtcd(), directory, freePort(), freePort());
        etcd.launch();
        return etcd;
    }

    public URI clientUri() {
        return URI.create("http://127.0.0.1:" + clientPort);
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, as in a crash; returns once the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("etcd pid " + process.pid() + " survived SIGKILL");
        }
    }

    /** Starts etcd again on the same ports and data directory (after {@link #kill()}); waits until healthy. */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("etcd pid " + process.pid() + " is still running");
        }
        launch();
    }

    /** SIGTERM, then SIGKILL if it does not exit within 5 s. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void launch() throws IOException, InterruptedException {
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        ProcessBuilder builder = new ProcessBuilder(List.of(etcdBinary.toString(),
                "--name", "n1",
                "--data-dir", directory.resolve("data").toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "n1=" + peer,
                "--heartbeat-interval", "50",
                "--election-timeout", "500"));
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("etcd.log").toFile()));
        process = builder.start();
        awaitHealthy();
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        long deadline = Clock.SYSTEM.monotonicMillis() + READY_TIMEOUT_MS;
        HttpRequest health = HttpRequest.newBuilder(URI.create(clientUri() + "/health")).timeout(Duration.ofMillis(1_000)).build();
        while (Clock.SYSTEM.monotonicMillis() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("etcd exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        close();
        throw new AssertionError("etcd did not become healthy within " + READY_TIMEOUT_MS + " ms:\n" + logTail());
    }

    private String logTail() throws IOException {
        List<String> lines = Files.readAllLines(directory.resolve("etcd.log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static Path findEtcd() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "etcd");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("the etcd binary is not on PATH (" + path + "): these tests need a real etcd;"
                + " install it with `apt-get install -y etcd-server` (bin/test does)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
