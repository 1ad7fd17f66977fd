package io.elasticstream.compat;

import static io.elasticstream.compat.ScenarioSupport.admin;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;

/**
 * Differential scenario of SCRAM credentials (KIP-554): what AlterUserScramCredentials answers per user for
 * upserts, deletions, iteration counts out of bounds, a user altered twice in one request and a deletion of what
 * does not exist (with the message), and what DescribeUserScramCredentials shows afterwards (mechanisms and
 * iterations, never a key), for all users and for named ones, missing and twice-named ones included.
 */
final class ScramCredentialScenarios {
    private ScramCredentialScenarios() {
    }

    static Observation describeAndAlter(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        try (Admin admin = admin(bootstrap)) {
            alter(o, admin, "upsert.alice256", List.of(upsert("diff-alice", ScramMechanism.SCRAM_SHA_256, 8192)));
            alter(o, admin, "upsert.bothMechanismsAtOnce", List.of(upsert("diff-bob", ScramMechanism.SCRAM_SHA_256, 4096),
                    upsert("diff-bob", ScramMechanism.SCRAM_SHA_512, 4096)));
            alter(o, admin, "upsert.sameMechanismTwice", List.of(upsert("diff-carol", ScramMechanism.SCRAM_SHA_256, 4096),
                    upsert("diff-carol", ScramMechanism.SCRAM_SHA_256, 5000)));
            alter(o, admin, "upsert.alice512", List.of(upsert("diff-alice", ScramMechanism.SCRAM_SHA_512, 10000)));
            alter(o, admin, "upsert.tooFewIterations", List.of(upsert("diff-dave", ScramMechanism.SCRAM_SHA_256, 1000)));
            alter(o, admin, "upsert.tooManyIterations", List.of(upsert("diff-dave", ScramMechanism.SCRAM_SHA_512, 20000)));
            alter(o, admin, "delete.missing", List.of(new UserScramCredentialDeletion("diff-erin",
                    ScramMechanism.SCRAM_SHA_256)));
            alter(o, admin, "upsertAndDelete", List.of(upsert("diff-alice", ScramMechanism.SCRAM_SHA_256, 9000),
                    new UserScramCredentialDeletion("diff-alice", ScramMechanism.SCRAM_SHA_512)));
            o.put("describe.all", describe(admin, null));
            o.put("describe.named", describe(admin, List.of("diff-alice", "diff-erin", "diff-bob", "diff-alice")));
            alter(o, admin, "delete.alice256", List.of(new UserScramCredentialDeletion("diff-alice",
                    ScramMechanism.SCRAM_SHA_256)));
            o.put("describe.afterDelete", describe(admin, List.of("diff-alice")));
        }
        return o;
    }

    private static UserScramCredentialUpsertion upsert(String user, ScramMechanism mechanism, int iterations) {
        return new UserScramCredentialUpsertion(user, new ScramCredentialInfo(mechanism, iterations), "secret-" + user);
    }

    /** Records each user's outcome of one request, with the error's message. */
    private static void alter(Observation o, Admin admin, String name, List<UserScramCredentialAlteration> alterations)
            throws InterruptedException {
        var futures = new TreeMap<>(admin.alterUserScramCredentials(alterations).values());
        for (var e : futures.entrySet()) {
            o.put(name + "." + e.getKey(), outcome(e.getValue()));
        }
    }

    /** Per user: its mechanisms and iterations, or its error with the message. */
    private static String describe(Admin admin, List<String> users) throws InterruptedException {
        var result = users == null ? admin.describeUserScramCredentials() : admin.describeUserScramCredentials(users);
        Map<String, String> out = new TreeMap<>();
        try {
            for (String user : result.users().get()) {
                if (user.startsWith("diff-")) {
                    out.put(user, outcome(result.description(user)));
                }
            }
        } catch (ExecutionException e) {
            return Observation.errorName(e) + " " + e.getCause().getMessage();
        }
        if (users != null) {
            for (String user : users) {
                out.putIfAbsent(user, outcome(result.description(user)));
            }
        }
        return out.toString();
    }

    private static String outcome(org.apache.kafka.common.KafkaFuture<?> future) throws InterruptedException {
        try {
            Object value = future.get();
            if (value instanceof UserScramCredentialsDescription d) {
                return d.credentialInfos().stream().map(i -> i.mechanism() + "/" + i.iterations()).sorted().toList()
                        .toString();
            }
            return "ok";
        } catch (ExecutionException e) {
            return Observation.errorName(e) + " " + e.getCause().getMessage();
        }
    }
}
