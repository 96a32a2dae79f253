package io.tamtam.agent;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tamtam.Cluster;
import io.tamtam.Keyring;
import io.tamtam.KeyringReport;
import io.tamtam.Node;
import io.tamtam.agent.grpc.KeyHolders;
import io.tamtam.agent.grpc.KeyRequest;
import io.tamtam.agent.grpc.KeysGrpc;
import io.tamtam.agent.grpc.KeysListRequest;
import io.tamtam.agent.grpc.KeysReply;
import io.tamtam.agent.grpc.NodeKeys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/** The gRPC {@code Keys} service: the node's {@link Keyring}, with a per-node report of each operation. */
final class KeysService extends KeysGrpc.KeysImplBase {
    private final Cluster cluster;

    KeysService(AgentServer agent) {
        this.cluster = agent.cluster;
    }

    @Override
    public void list(KeysListRequest request, StreamObserver<KeysReply> out) {
        run(out, null, Keyring::list);
    }

    @Override
    public void install(KeyRequest request, StreamObserver<KeysReply> out) {
        run(out, request.getKey(), k -> k.install(request.getKey().toByteArray()));
    }

    @Override
    public void use(KeyRequest request, StreamObserver<KeysReply> out) {
        run(out, request.getKey(), k -> k.use(request.getKey().toByteArray()));
    }

    @Override
    public void remove(KeyRequest request, StreamObserver<KeysReply> out) {
        run(out, request.getKey(), k -> k.remove(request.getKey().toByteArray()));
    }

    /** Runs one keyring operation; key is null for list. */
    private void run(StreamObserver<KeysReply> out, ByteString key, Function<Keyring, CompletableFuture<KeyringReport>> op) {
        Keyring keyring;
        try {
            keyring = cluster.keyring();
        } catch (IllegalStateException e) {
            out.onError(Status.FAILED_PRECONDITION.withDescription(
                    "this agent's node has no encryption keys: start the agents with --key BASE64 to use keys commands").asRuntimeException());
            return;
        }
        if (key != null && key.isEmpty()) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("no key given: give the key's bytes (16, 24 or 32)").asRuntimeException());
            return;
        }
        String fingerprint = key == null ? "" : Keyring.fingerprint(key.toByteArray());
        CompletableFuture<KeyringReport> f = op.apply(keyring).handle((r, e) -> {
            if (e == null) {
                return r;
            }
            Throwable u = Errors.unwrap(e);
            throw new CompletionException(u instanceof IllegalArgumentException ? new IllegalArgumentException(commands(u.getMessage())) : u);
        });
        AgentService.complete(out, f, r -> reply(fingerprint, r));
    }

    /** The library's refusals name its API calls; an agent's operator uses the commands instead. */
    static String commands(String message) {
        return message == null ? null : message
                .replace("keyring().install(key)", "'tamtam keys install'")
                .replace("keyring().use(otherKey)", "'tamtam keys use'");
    }

    private KeysReply reply(String fingerprint, KeyringReport r) {
        UUID self = cluster.localNode().id();
        Set<UUID> nodes = new LinkedHashSet<>(r.acknowledged());
        nodes.addAll(r.failed().keySet());
        List<NodeKeys> perNode = new ArrayList<>();
        Map<String, int[]> holders = new TreeMap<>();
        for (UUID id : nodes) {
            List<String> keys = r.keys().getOrDefault(id, List.of());
            for (int i = 0; i < keys.size(); i++) {
                int[] h = holders.computeIfAbsent(keys.get(i), k -> new int[2]);
                h[0]++;
                h[1] += i == 0 ? 1 : 0;
            }
            String error = r.failed().get(id);
            perNode.add(NodeKeys.newBuilder()
                    .setNodeId(id.toString())
                    .setName(id.equals(self) ? AgentServer.name(cluster.localNode()) : cluster.member(id).map(AgentServer::name).orElse(id.toString()))
                    .setAcknowledged(error == null)
                    .setError(error == null ? "" : commands(error))
                    .addAllKeys(keys)
                    .setLocal(id.equals(self))
                    .build());
        }
        perNode.sort(Comparator.comparing(NodeKeys::getName).thenComparing(NodeKeys::getNodeId));
        KeysReply.Builder b = KeysReply.newBuilder().setFingerprint(fingerprint).setNodes(nodes.size())
                .setFailed(r.failed().size()).addAllNodeKeys(perNode);
        holders.forEach((fp, h) -> b.addHolders(KeyHolders.newBuilder().setFingerprint(fp).setNodes(h[0]).setPrimary(h[1])));
        return b.build();
    }
}
