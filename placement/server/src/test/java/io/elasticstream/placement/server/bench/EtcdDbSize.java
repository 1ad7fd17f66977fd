package io.elasticstream.placement.server.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** etcd's database size ({@code etcd_mvcc_db_total_size_in_bytes} from its /metrics; history included). */
final class EtcdDbSize {
    private EtcdDbSize() {
    }

    static long bytes(URI clientUri) throws IOException, InterruptedException {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(clientUri.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        return metrics.body().lines().filter(l -> l.startsWith("etcd_mvcc_db_total_size_in_bytes "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim()))
                .findFirst().orElse(-1);
    }
}
