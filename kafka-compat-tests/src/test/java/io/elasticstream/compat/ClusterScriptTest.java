package io.elasticstream.compat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code bin/cluster} as a user runs it: {@code start} brings up etcd, 3 PDs, 3 range servers and 3 brokers
 * and prints their addresses; records produced through one broker are consumed through another;
 * {@code status} lists every member running; {@code stop} leaves no member process behind.
 */
class ClusterScriptTest {
    static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);
    static final int PORTS = 20;
    static final String TOPIC = "script-demo";
    static final int PARTITIONS = 3;
    static final int RECORDS = 30;
    static final List<String> MEMBERS = List.of("etcd", "pd1", "pd2", "pd3", "range-server-1", "range-server-2",
            "range-server-3", "broker-1", "broker-2", "broker-3");

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void startServesRecordsThroughEveryBrokerAndStopLeavesNoProcessBehind(@TempDir Path dir) throws Exception {
        int basePort = freePortRange(PORTS);
        Path clusterDir = dir.resolve("cluster");
        List<Long> pids = new ArrayList<>();
        String stopped;
        try {
            String started = run(dir, "start", "--dir", clusterDir.toString(), "--base-port", Integer.toString(basePort),
                    "--session-ttl-ms", "2000");
            String bootstrapLine = started.lines().filter(l -> l.startsWith("bootstrap.servers=")).findFirst()
                    .orElseThrow(() -> new AssertionError("no bootstrap.servers line in:\n" + started));
            List<String> brokers = List.of(bootstrapLine.substring("bootstrap.servers=".length()).split(","));
            assertEquals(List.of("127.0.0.1:" + (basePort + 8), "127.0.0.1:" + (basePort + 9),
                    "127.0.0.1:" + (basePort + 10)), brokers);
            assertTrue(started.contains("cluster.view.url=http://127.0.0.1:" + (basePort + 2) + "/v1/cluster"), started);
            assertTrue(started.contains("status http://127.0.0.1:" + (basePort + 17) + "/status"), started);
            for (String member : MEMBERS) {
                pids.add(Long.parseLong(Files.readString(clusterDir.resolve("pids/" + member + ".pid")).split(" ")[0]));
            }

            String status = run(dir, "status", "--dir", clusterDir.toString());
            for (String member : MEMBERS) {
                assertTrue(status.contains(member + ": running"), status);
            }
            assertTrue(status.contains("PD leader: {"), status);

            Clients.createTopic(brokers.get(0), TOPIC, PARTITIONS);
            List<String> sent = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(brokers.get(0),
                    Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
                for (int i = 0; i < RECORDS; i++) {
                    String value = "record-" + i;
                    producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null,
                            value.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
                    sent.add(value);
                }
            }
            List<String> read = new ArrayList<>();
            TopicReader.forEachRecord(brokers.get(1), TOPIC, PARTITIONS, Duration.ofSeconds(30),
                    r -> read.add(new String(r.value(), StandardCharsets.UTF_8)));
            assertEquals(sent.stream().sorted().toList(), read.stream().sorted().toList());
        } finally {
            stopped = run(dir, "stop", "--dir", clusterDir.toString());
        }
        for (String member : MEMBERS) {
            assertTrue(stopped.contains("stopped " + member), stopped);
        }
        for (long pid : pids) {
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            assertTrue(process.isEmpty() || !process.get().isAlive(), "pid " + pid + " still runs after stop");
        }
        try (Stream<Path> left = Files.list(clusterDir.resolve("pids"))) {
            assertEquals(List.of(), left.toList());
        }
    }

    /** Runs {@code bin/cluster ARGS} to completion; returns its output, failing with it on a non-zero exit. */
    private static String run(Path workDir, String... args) throws IOException, InterruptedException {
        Path esHome = StandaloneServer.esHome();
        List<String> command = new ArrayList<>(List.of(esHome.resolve("bin/cluster").toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(workDir, "cluster-" + args[0] + "-", ".out");
        Process process = new ProcessBuilder(command).directory(esHome.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!process.waitFor(SCRIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail("bin/cluster " + String.join(" ", args) + " did not finish within " + SCRIPT_TIMEOUT + ":\n"
                    + Files.readString(output));
        }
        String text = Files.readString(output);
        if (process.exitValue() != 0) {
            fail("bin/cluster " + String.join(" ", args) + " exited with " + process.exitValue() + ":\n" + text);
        }
        return text;
    }

    /** A first port of {@code count} consecutive ports on 127.0.0.1 that are all free right now. */
    private static int freePortRange(int count) {
        Random random = new Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + random.nextInt(30_000);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports found on 127.0.0.1");
    }

    private static boolean allFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
