package io.elasticstream.streamclient.sim;

import static org.junit.jupiter.api.Assertions.fail;

import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.rangestore.protocol.StoredBatch;
import io.elasticstream.streamclient.api.AppendResult;
import io.elasticstream.streamclient.api.Stream;
import io.elasticstream.streamclient.api.StreamClientConfig;
import io.elasticstream.streamclient.internal.DefaultStreamClient;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded simulation of a replicated stream (3 replicas, 2 acks) under range-server crashes and restarts,
 * broken connections and writer failovers (an abandoned writer keeps running as a zombie until fenced).
 * At every confirmation, read and seal it checks:
 * <ul>
 *   <li>no confirmed offset is ever confirmed twice (offsets are never reused once confirmed);</li>
 *   <li>a range PD sealed never gets another end;</li>
 *   <li>writer epochs strictly increase;</li>
 *   <li>a read never returns data at or beyond the writer's confirmed offset, and confirmed data reads back
 *       byte-exact;</li>
 * </ul>
 * and at the end, with every server back and the network healed, that a new writer opens and every
 * confirmed record reads back at its offset, the stream being contiguous from offset 0.
 *
 * <p>{@code -Dsim.seeds=N} runs N seeds (default 500); {@code -Dsim.seed=S} replays one.
 */
class ReplicationSimulationTest {
    private static final long STREAM = 1;
    private static final long CHAOS_MS = 6_000;

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void noConfirmedRecordIsLostAcrossCrashesLostMessagesAndWriterFailovers() {
        Long single = Long.getLong("sim.seed");
        int seeds = Integer.getInteger("sim.seeds", 500);
        long first = single != null ? single : 1;
        int count = single != null ? 1 : seeds;
        for (long seed = first; seed < first + count; seed++) {
            Simulation sim = new Simulation(seed);
            try {
                long t0 = System.nanoTime();
                sim.run();
                if (Boolean.getBoolean("sim.verbose")) {
                    System.out.printf("seed %d: %d events, %d confirmed batches, %d ms%n", seed, sim.world.executed(),
                            sim.confirmed.size(), (System.nanoTime() - t0) / 1_000_000);
                }
            } catch (AssertionError | RuntimeException e) {
                fail("replication simulation failed for seed " + seed + " at virtual time " + sim.world.nowMs()
                        + " ms; replay with -Dsim.seed=" + seed + "\n" + String.join("\n", sim.history.subList(
                        Math.max(0, sim.history.size() - 40), sim.history.size())), e);
            }
        }
    }

    /** One seeded run. */
    private static final class Simulation {
        final long seed;
        final SimWorld world;
        final Map<Integer, SimRangeServer> servers = new LinkedHashMap<>();
        final SimNetwork network;
        final SimPlacement placement;
        final DefaultStreamClient client;
        final List<String> history = new ArrayList<>();
        /** Confirmed batches by base offset: end offset and payload. */
        final TreeMap<Long, Object[]> confirmed = new TreeMap<>();
        Stream writer;
        boolean opening;
        long lastEpoch;
        long sequence;
        boolean chaos = true;

        Simulation(long seed) {
            this.seed = seed;
            this.world = new SimWorld(seed);
            int serverCount = 3 + world.random.nextInt(3);
            for (int id = 1; id <= serverCount; id++) {
                servers.put(id, new SimRangeServer(world, id));
            }
            network = new SimNetwork(world, servers);
            placement = new SimPlacement(world, servers, 3, 2);
            placement.createStream(STREAM);
            client = new DefaultStreamClient(placement, network, world,
                    new StreamClientConfig(100, 1 << 20, 20, 1_000), null);
        }

        void log(String event) {
            history.add(world.nowMs() + "ms " + event);
        }

        void run() {
            openWriter();
            world.schedule(this::appendTick, 1);
            world.schedule(this::faultTick, world.delay(50, 300));
            world.schedule(this::readTick, 10);
            world.runUntil(CHAOS_MS, () -> { });

            chaos = false;
            network.dropProbability = 0;
            servers.values().forEach(s -> {
                if (!s.isUp()) {
                    s.restart();
                    log("heal: restart server " + s.info.id());
                }
            });
            world.runUntil(CHAOS_MS + 5_000, () -> { });

            // A new writer takes over (fencing the last one) and reads the whole stream back.
            writer = null;
            opening = false;
            openWriter();
            world.runUntil(CHAOS_MS + 8_000, () -> { });
            if (writer == null) {
                throw new AssertionError("no writer could open the stream after the network healed");
            }
            verifyEverythingConfirmedReadsBack(writer);
        }

        void openWriter() {
            if (opening) {
                return;
            }
            opening = true;
            client.openForWrite(STREAM).whenComplete((s, err) -> {
                opening = false;
                if (err != null) {
                    log("open failed: " + err.getMessage());
                    world.schedule(this::openWriter, 50);
                    return;
                }
                if (s.epoch() <= lastEpoch) {
                    throw new AssertionError("writer epoch " + s.epoch() + " not above " + lastEpoch);
                }
                lastEpoch = s.epoch();
                writer = s;
                log("writer opened at epoch " + s.epoch() + ", next offset " + s.nextOffset());
            });
        }

        void appendTick() {
            if (!chaos && world.nowMs() > CHAOS_MS + 4_000) {
                return;
            }
            Stream w = writer;
            if (w != null) {
                int records = 1 + world.random.nextInt(3);
                String payload = "seed" + seed + "-epoch" + w.epoch() + "-" + (sequence++);
                w.append(records, world.nowMs(), Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8), (d, b) -> { })
                        .whenComplete((r, err) -> {
                            if (err == null) {
                                onConfirmed(r, payload);
                            }
                        });
            }
            world.schedule(this::appendTick, world.delay(1, 6));
        }

        void onConfirmed(AppendResult r, String payload) {
            Map.Entry<Long, Object[]> before = confirmed.floorEntry(r.endOffset() - 1);
            if (before != null && (Long) before.getValue()[0] > r.baseOffset()) {
                throw new AssertionError("offsets [" + r.baseOffset() + ", " + r.endOffset() + ") confirmed for '"
                        + payload + "' overlap [" + before.getKey() + ", " + before.getValue()[0] + ") confirmed for '"
                        + before.getValue()[1] + "'");
            }
            confirmed.put(r.baseOffset(), new Object[] {r.endOffset(), payload});
        }

        void faultTick() {
            if (!chaos) {
                return;
            }
            int action = world.random.nextInt(10);
            List<SimRangeServer> all = new ArrayList<>(servers.values());
            SimRangeServer s = all.get(world.random.nextInt(all.size()));
            if (action < 4) {
                if (s.isUp()) {
                    s.crash();
                    log("crash server " + s.info.id());
                    world.schedule(() -> {
                        s.restart();
                        log("restart server " + s.info.id());
                    }, world.delay(50, 1_500));
                }
            } else if (action < 6) {
                network.dropProbability = world.chance(0.5) ? 0 : world.random.nextDouble() * 0.05;
                log("drop probability " + network.dropProbability);
            } else if (action < 7 && writer != null) {
                log("writer at epoch " + writer.epoch() + " abandoned; a new writer takes over");
                writer = null; // the old one keeps running as a zombie until it is fenced
                openWriter();
            }
            world.schedule(this::faultTick, world.delay(50, 400));
        }

        void readTick() {
            Stream w = writer;
            if (w != null && w.confirmedOffset() > w.startOffset()) {
                long confirmedAtRead = w.confirmedOffset();
                Long from = confirmed.floorKey(world.random.nextLong(confirmedAtRead));
                if (from != null) {
                    w.fetch(from, 4096).whenComplete((batches, err) -> {
                        if (err != null) {
                            return; // reads may fail while replicas are down; they must never lie
                        }
                        for (StoredBatch b : batches) {
                            if (b.endOffset() > confirmedAtRead) {
                                throw new AssertionError("read returned [" + b.baseOffset() + ", " + b.endOffset()
                                        + ") beyond the confirmed offset " + confirmedAtRead);
                            }
                            checkAgainstModel(b);
                            b.data().release();
                        }
                    });
                }
            }
            if (chaos) {
                world.schedule(this::readTick, world.delay(5, 30));
            }
        }

        void checkAgainstModel(StoredBatch b) {
            Object[] expected = confirmed.get(b.baseOffset());
            if (expected != null) {
                String actual = b.data().toString(StandardCharsets.UTF_8);
                if (!expected[1].equals(actual) || (Long) expected[0] != b.endOffset()) {
                    throw new AssertionError("offset " + b.baseOffset() + " holds '" + actual + "' up to " + b.endOffset()
                            + " but '" + expected[1] + "' up to " + expected[0] + " was confirmed there");
                }
            }
        }

        void verifyEverythingConfirmedReadsBack(Stream reader) {
            long offset = reader.startOffset();
            long end = reader.confirmedOffset();
            Map<Long, String> read = new TreeMap<>();
            int guard = 0;
            while (offset < end) {
                if (++guard > 100_000) {
                    throw new AssertionError("reading back made no progress at " + offset);
                }
                List<StoredBatch>[] got = uncheckedList();
                reader.fetch(offset, 1 << 16).whenComplete((bs, err) -> {
                    if (err != null) {
                        throw new AssertionError("final read at offset failed: " + err, err);
                    }
                    got[0] = bs;
                });
                world.runUntil(world.nowMs() + 1_000, () -> { });
                if (got[0] == null || got[0].isEmpty()) {
                    throw new AssertionError("final read at " + offset + " returned nothing (end " + end + ")");
                }
                for (StoredBatch b : got[0]) {
                    if (b.baseOffset() != offset) {
                        throw new AssertionError("gap or overlap: batch at " + b.baseOffset() + ", expected " + offset);
                    }
                    checkAgainstModel(b);
                    read.put(b.baseOffset(), b.data().toString(StandardCharsets.UTF_8));
                    offset = b.endOffset();
                    b.data().release();
                }
            }
            for (Map.Entry<Long, Object[]> c : confirmed.entrySet()) {
                if (!c.getValue()[1].equals(read.get(c.getKey()))) {
                    throw new AssertionError("confirmed batch at " + c.getKey() + " ('" + c.getValue()[1]
                            + "') lost; stream end " + end + ", ranges " + describe());
                }
            }
        }

        String describe() {
            StringBuilder sb = new StringBuilder();
            for (RangeInfo r : placement.rangesOf(STREAM)) {
                sb.append(r.index()).append('[').append(r.startOffset()).append(',').append(r.endOffset()).append(") ");
            }
            return sb.toString();
        }

        @SuppressWarnings("unchecked")
        private static List<StoredBatch>[] uncheckedList() {
            return (List<StoredBatch>[]) new List<?>[1];
        }
    }
}
