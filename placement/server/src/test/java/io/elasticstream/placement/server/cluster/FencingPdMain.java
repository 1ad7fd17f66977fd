package io.elasticstream.placement.server.cluster;

import io.elasticstream.common.ProcessProperties;
import io.elasticstream.placement.metadata.Compare;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.Op;
import io.elasticstream.placement.metadata.Txn;
import io.elasticstream.placement.server.election.Leadership;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A PD child process for {@link PlacementFailoverProcessTest}: {@link PlacementMain#start} plus a probe
 * that, while this PD leads, keeps incrementing {@code test.counter.key} with transactions guarded by
 * its leadership, each value {@code term:pdId:seq}. Prints {@code pd.address=...} when up.
 */
public final class FencingPdMain {
    private FencingPdMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessProperties props = ProcessProperties.parse(args, "FencingPdMain --override ...");
        PlacementMain.Running running = PlacementMain.start(props);
        String counterKey = props.required("test.counter.key");
        ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor();
        probe.scheduleWithFixedDelay(() -> increment(running, counterKey), 0, 5, TimeUnit.MILLISECONDS);
        System.out.println("pd.address=" + running.node().address());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void increment(PlacementMain.Running running, String counterKey) {
        Optional<Leadership> leadership = running.node().leadership();
        if (leadership.isEmpty()) {
            return;
        }
        MetadataStore store = running.store();
        try {
            Optional<KeyValue> current = store.get(counterKey).get(2, TimeUnit.SECONDS);
            long seq = current.map(kv -> Long.parseLong(new String(kv.value(), StandardCharsets.UTF_8).split(":")[2]))
                    .orElse(0L) + 1;
            String value = leadership.get().term() + ":" + running.node().id() + ":" + seq;
            List<Compare> compares = new ArrayList<>(leadership.get().guard());
            compares.add(Compare.modRevision(counterKey, current.map(KeyValue::modRevision).orElse(0L)));
            store.txn(Txn.builder().when(compares.toArray(Compare[]::new))
                    .success(Op.put(counterKey, value.getBytes(StandardCharsets.UTF_8))).build()).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("probe: " + e);
        }
    }
}
