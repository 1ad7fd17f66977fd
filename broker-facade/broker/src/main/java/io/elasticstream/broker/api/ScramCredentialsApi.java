package io.elasticstream.broker.api;

import io.elasticstream.broker.security.ScramKeys;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.ScramCredential;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialDeletion;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.CredentialInfo;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AlterUserScramCredentialsRequest;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * DescribeUserScramCredentials and AlterUserScramCredentials (KIP-554), as Kafka 4.4's controller and metadata
 * image answer them, on credentials stored in placement metadata: what {@code kafka-configs --entity-type users
 * --add-config 'SCRAM-SHA-256=[password=...]'} and {@code --describe} call.
 *
 * <p>Alter: the client sends the salt and the salted password, never the password; the stored and server keys
 * are derived here and only they are kept. A user altered twice in one request gets DUPLICATE_RESOURCE (and
 * none of its alterations is applied), an unknown mechanism UNSUPPORTED_SASL_MECHANISM, an iteration count
 * outside the mechanism's 4096–16384 UNACCEPTABLE_CREDENTIAL, a deletion of a credential that does not exist
 * RESOURCE_NOT_FOUND; the accepted ones are applied in one PD transaction. Describe: no users named means every
 * user with a credential; a named user without one is RESOURCE_NOT_FOUND, a user named twice DUPLICATE_RESOURCE.
 */
final class ScramCredentialsApi {
    private final PlacementService placement;

    ScramCredentialsApi(PlacementService placement) {
        this.placement = placement;
    }

    CompletableFuture<ApiMessage> describe(RequestContext context, AbstractRequest request) {
        DescribeUserScramCredentialsRequestData data = ((DescribeUserScramCredentialsRequest) request).data();
        return placement.scramCredentials().thenApply(all -> {
            Map<String, List<ScramCredential>> byUser = all.stream()
                    .collect(Collectors.groupingBy(ScramCredential::user, TreeMap::new, Collectors.toList()));
            Map<String, Boolean> duplicated = new LinkedHashMap<>();
            if (data.users() == null || data.users().isEmpty()) {
                byUser.keySet().forEach(u -> duplicated.put(u, false));
            } else {
                data.users().forEach(u -> duplicated.merge(u.name(), false, (a, b) -> true));
            }
            DescribeUserScramCredentialsResponseData response = new DescribeUserScramCredentialsResponseData()
                    .setThrottleTimeMs(0).setErrorCode(Errors.NONE.code());
            duplicated.forEach((user, twice) -> {
                DescribeUserScramCredentialsResult result = new DescribeUserScramCredentialsResult().setUser(user);
                List<ScramCredential> credentials = byUser.getOrDefault(user, List.of());
                if (twice) {
                    result.setErrorCode(Errors.DUPLICATE_RESOURCE.code()).setErrorMessage(
                            "Cannot describe SCRAM credentials for the same user twice in a single request: " + user);
                } else if (credentials.isEmpty()) {
                    result.setErrorCode(Errors.RESOURCE_NOT_FOUND.code())
                            .setErrorMessage("Attempt to describe a user credential that does not exist: " + user);
                } else {
                    credentials.forEach(c -> result.credentialInfos().add(new CredentialInfo()
                            .setMechanism(ScramMechanism.fromMechanismName(c.mechanism()).type())
                            .setIterations(c.iterations())));
                }
                response.results().add(result);
            });
            return response;
        });
    }

    CompletableFuture<ApiMessage> alter(RequestContext context, AbstractRequest request) {
        AlterUserScramCredentialsRequestData data = ((AlterUserScramCredentialsRequest) request).data();
        return placement.scramCredentials().thenCompose(stored -> {
            Set<ScramCredential.Key> existing = new HashSet<>();
            stored.forEach(c -> existing.add(new ScramCredential.Key(c.user(), c.mechanism())));
            Map<String, Integer> alterations = new TreeMap<>();
            data.deletions().forEach(d -> alterations.merge(d.name(), 1, Integer::sum));
            data.upsertions().forEach(u -> alterations.merge(u.name(), 1, Integer::sum));
            AlterUserScramCredentialsResponseData response = new AlterUserScramCredentialsResponseData()
                    .setThrottleTimeMs(0);
            alterations.forEach((user, count) -> {
                if (count > 1) {
                    response.results().add(result(user, Errors.DUPLICATE_RESOURCE,
                            "A user credential cannot be altered twice in the same request"));
                }
            });
            List<ScramCredential> upserts = new ArrayList<>();
            List<ScramCredential.Key> deletions = new ArrayList<>();
            List<AlterUserScramCredentialsResult> accepted = new ArrayList<>();
            for (ScramCredentialDeletion d : data.deletions()) {
                if (alterations.get(d.name()) > 1) {
                    continue;
                }
                ScramMechanism mechanism = ScramMechanism.fromType(d.mechanism());
                ScramCredential.Key key = new ScramCredential.Key(d.name(), mechanism.mechanismName());
                if (mechanism == ScramMechanism.UNKNOWN) {
                    response.results().add(result(d.name(), Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism."));
                } else if (!existing.contains(key)) {
                    response.results().add(result(d.name(), Errors.RESOURCE_NOT_FOUND,
                            "Attempt to delete a user credential that does not exist"));
                } else {
                    deletions.add(key);
                    accepted.add(result(d.name(), Errors.NONE, null));
                }
            }
            for (ScramCredentialUpsertion u : data.upsertions()) {
                if (alterations.get(u.name()) > 1) {
                    continue;
                }
                ApiError refusal = refusal(u);
                if (refusal != null) {
                    response.results().add(result(u.name(), refusal.error(), refusal.message()));
                } else {
                    upserts.add(credential(u));
                    accepted.add(result(u.name(), Errors.NONE, null));
                }
            }
            if (upserts.isEmpty() && deletions.isEmpty()) {
                return CompletableFuture.completedFuture(response);
            }
            return placement.alterScramCredentials(upserts, deletions).handle((v, err) -> {
                Errors error = err == null ? Errors.NONE : ErrorMapper.toErrors(err);
                accepted.forEach(r -> response.results().add(err == null ? r
                        : r.setErrorCode(error.code()).setErrorMessage(ErrorMapper.message(err, error))));
                return response;
            });
        });
    }

    /** Why Kafka refuses {@code u}, or null. */
    private static ApiError refusal(ScramCredentialUpsertion u) {
        ScramMechanism mechanism = ScramMechanism.fromType(u.mechanism());
        if (mechanism == ScramMechanism.UNKNOWN) {
            return new ApiError(Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism.");
        }
        String iterations = ScramKeys.iterationsRefusal(sasl(mechanism), u.iterations());
        return iterations == null ? null : new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, iterations);
    }

    /** The credential to store for {@code u}: its salt and iterations, and the keys derived from its salted password. */
    private static ScramCredential credential(ScramCredentialUpsertion u) {
        return ScramKeys.fromSaltedPassword(u.name(), sasl(ScramMechanism.fromType(u.mechanism())), u.salt(),
                u.saltedPassword(), u.iterations());
    }

    private static AlterUserScramCredentialsResult result(String user, Errors error, String message) {
        return new AlterUserScramCredentialsResult().setUser(user).setErrorCode(error.code()).setErrorMessage(message);
    }

    /** Kafka's SASL-side description of the mechanism (iteration bounds, algorithms). */
    private static org.apache.kafka.common.security.scram.internals.ScramMechanism sasl(ScramMechanism mechanism) {
        return org.apache.kafka.common.security.scram.internals.ScramMechanism.forMechanismName(mechanism.mechanismName());
    }
}
