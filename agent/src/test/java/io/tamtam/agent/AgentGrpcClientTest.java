package io.tamtam.agent;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.tamtam.agent.grpc.AgentGrpc;
import io.tamtam.agent.grpc.BroadcastRequest;
import io.tamtam.agent.grpc.ConfigureRequest;
import io.tamtam.agent.grpc.EventsRequest;
import io.tamtam.agent.grpc.InfoReply;
import io.tamtam.agent.grpc.InfoRequest;
import io.tamtam.agent.grpc.JoinRequest;
import io.tamtam.agent.grpc.KeyHolders;
import io.tamtam.agent.grpc.KeyRequest;
import io.tamtam.agent.grpc.KeysGrpc;
import io.tamtam.agent.grpc.KeysListRequest;
import io.tamtam.agent.grpc.KeysReply;
import io.tamtam.agent.grpc.NodeKeys;
import io.tamtam.agent.grpc.Member;
import io.tamtam.agent.grpc.MembersRequest;
import io.tamtam.agent.grpc.MembershipEvent;
import io.tamtam.agent.grpc.Message;
import io.tamtam.agent.grpc.MessagesRequest;
import io.tamtam.agent.grpc.PingReply;
import io.tamtam.agent.grpc.PingRequest;
import io.tamtam.agent.grpc.RequestRequest;
import io.tamtam.agent.grpc.SendRequest;
import io.tamtam.agent.grpc.State;
import io.tamtam.agent.grpc.StatsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives agents through a client generated from agent/src/main/proto, as any other program would. */
class AgentGrpcClientTest {
    static final Duration LONG = Duration.ofSeconds(60);
    private final TestAgents agents = new TestAgents();

    @AfterEach
    void close() throws Exception {
        agents.close();
    }

    AgentServer agent(String name, String... more) throws Exception {
        return agents.agent(name, more);
    }

    ManagedChannel channel(AgentServer agent) {
        ManagedChannel ch = NettyChannelBuilder.forAddress(agent.rpcAddress()).usePlaintext().build();
        agents.add(() -> {
            ch.shutdownNow();
            ch.awaitTermination(10, TimeUnit.SECONDS);
        });
        return ch;
    }

    @Test
    void everyCallThroughGeneratedStubs() throws Exception {
        AgentServer one = agent("one", "http", "127.0.0.1:0", "expect", "2");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI ready = java.net.URI.create("http://" + Addresses.format(one.httpAddress().orElseThrow()) + "/health/ready");
        java.net.http.HttpResponse<String> alone = http.send(java.net.http.HttpRequest.newBuilder(ready).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(503, alone.statusCode());
        assertEquals("{\"status\":\"not ready\",\"live_members\":1,\"expect\":2}", alone.body());
        AgentServer two = agent("two", "metadata", "role=worker");
        AgentGrpc.AgentBlockingStub s1 = AgentGrpc.newBlockingStub(channel(one)).withDeadlineAfter(60, TimeUnit.SECONDS);
        AgentGrpc.AgentBlockingStub s2 = AgentGrpc.newBlockingStub(channel(two)).withDeadlineAfter(60, TimeUnit.SECONDS);
        AgentGrpc.AgentStub async2 = AgentGrpc.newStub(channel(two));

        InfoReply info2 = s2.info(InfoRequest.getDefaultInstance());
        assertEquals("two", info2.getName());
        assertEquals(List.of(1000), info2.getMessageTypesList());

        List<MembershipEvent> events = new CopyOnWriteArrayList<>();
        async2.events(EventsRequest.getDefaultInstance(), collect(events));
        List<Message> messages = new CopyOnWriteArrayList<>();
        async2.messages(MessagesRequest.getDefaultInstance(), collect(messages));
        // The events stream is open once its snapshot came: a join before that would be in the snapshot,
        // not a JOINED event.
        await().atMost(LONG).until(() -> !events.isEmpty());

        assertEquals(info2.getAddress(), s1.join(JoinRequest.newBuilder().addAddresses(info2.getAddress()).build()).getJoinedThrough());
        await().atMost(LONG).until(() -> s1.members(MembersRequest.newBuilder().addStates(State.ALIVE).build()).getMembersCount() == 2);
        await().atMost(LONG).until(() -> http.send(java.net.http.HttpRequest.newBuilder(ready).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        Member two1 = s1.members(MembersRequest.getDefaultInstance()).getMembersList().stream()
                .filter(m -> m.getName().equals("two")).findFirst().orElseThrow();
        assertEquals("worker", two1.getMetadataMap().get("role"));
        await().atMost(LONG).until(() -> events.stream().anyMatch(e -> e.getType().equals("JOINED") && e.getMember().getName().equals("one")));
        assertEquals("SNAPSHOT", events.get(0).getType());

        await().atMost(LONG).pollInterval(Duration.ofMillis(500)).until(() -> {
            s1.broadcast(BroadcastRequest.newBuilder().setPayload(ByteString.copyFromUtf8("to all")).build());
            return messages.stream().anyMatch(m -> m.getPayload().toStringUtf8().equals("to all"));
        });
        s1.send(SendRequest.newBuilder().setNode("two").setPayload(ByteString.copyFromUtf8("just you")).setReliable(true).build());
        await().atMost(LONG).until(() -> messages.stream().anyMatch(m -> m.getPayload().toStringUtf8().equals("just you")
                && m.getFromName().equals("one") && m.getType() == 1000));

        assertEquals("echo", s1.request(RequestRequest.newBuilder().setNode(two1.getId()).setPayload(ByteString.copyFromUtf8("echo")).build())
                .getPayload().toStringUtf8());
        PingReply ping = s1.ping(PingRequest.newBuilder().setNode(two1.getId().substring(0, 30)).build());
        assertEquals(two1.getId(), ping.getNodeId());
        assertTrue(ping.getRoundTripMicros() > 0);

        s2.configure(ConfigureRequest.newBuilder().putSetMetadata("zone", "b").build());
        await().atMost(LONG).until(() -> s1.members(MembersRequest.getDefaultInstance()).getMembersList().stream()
                .anyMatch(m -> "b".equals(m.getMetadataMap().get("zone"))));
        assertEquals(2L, s1.stats(StatsRequest.getDefaultInstance()).getCountersMap().get("members_alive"));

        // malformed requests: a status with a message, and the server stays up
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> s1.ping(PingRequest.newBuilder().setNode("nobody").build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        assertTrue(unknown.getStatus().getDescription().startsWith("unknown node 'nobody'"));
        StatusRuntimeException empty = assertThrows(StatusRuntimeException.class, () -> s1.join(JoinRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        StatusRuntimeException badAddress = assertThrows(StatusRuntimeException.class,
                () -> s1.join(JoinRequest.newBuilder().addAddresses("127.0.0.1:notaport").build()));
        assertEquals("join address '127.0.0.1:notaport': port is not a number", badAddress.getStatus().getDescription());
        StatusRuntimeException badType = assertThrows(StatusRuntimeException.class,
                () -> s1.broadcast(BroadcastRequest.newBuilder().setType(5).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badType.getStatus().getCode());
        StatusRuntimeException badLevel = assertThrows(StatusRuntimeException.class,
                () -> s1.configure(ConfigureRequest.newBuilder().setLogLevel("loud").build()));
        assertTrue(badLevel.getStatus().getDescription().startsWith("unknown log level 'loud'"));
        StatusRuntimeException badState = assertThrows(StatusRuntimeException.class,
                () -> s1.members(MembersRequest.newBuilder().addStatesValue(42).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badState.getStatus().getCode());
        // bytes that are not HTTP/2 at all on the gRPC port: the connection is closed, the server stays up
        try (java.net.Socket raw = new java.net.Socket(one.rpcAddress().getAddress(), one.rpcAddress().getPort())) {
            raw.setSoTimeout(30_000);
            raw.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n\u0000\u0001garbage".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            raw.getOutputStream().flush();
            while (raw.getInputStream().read() >= 0) {
                // drain until the server closes
            }
        }
        assertEquals("one", s1.info(InfoRequest.getDefaultInstance()).getName());
    }

    @Test
    void tokenGuardsTheApi() throws Exception {
        AgentServer guarded = agent("guarded", "rpc-token", "s3cret");
        AgentGrpc.AgentBlockingStub anonymous = AgentGrpc.newBlockingStub(channel(guarded)).withDeadlineAfter(60, TimeUnit.SECONDS);
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> anonymous.info(InfoRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
        assertEquals("guarded", anonymous.withCallCredentials(new ClientCommands.Token("s3cret")).info(InfoRequest.getDefaultInstance()).getName());
        StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
                () -> anonymous.withCallCredentials(new ClientCommands.Token("guess")).info(InfoRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());

        IllegalArgumentException open = assertThrows(IllegalArgumentException.class, () -> agent("open", "rpc", "0.0.0.0:0"));
        assertTrue(open.getMessage().contains("beyond loopback: set --rpc-token"), open.getMessage());
    }

    static KeyRequest key(int n) {
        return KeyRequest.newBuilder().setKey(ByteString.copyFrom(TestKeys.bytes(n))).build();
    }

    static NodeKeys node(KeysReply r, String name) {
        return r.getNodeKeysList().stream().filter(n -> n.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name + " in " + r));
    }

    static KeyHolders holders(KeysReply r, String fingerprint) {
        return r.getHoldersList().stream().filter(h -> h.getFingerprint().equals(fingerprint)).findFirst()
                .orElseThrow(() -> new AssertionError("no key " + fingerprint + " in " + r));
    }

    /** Installs, switches and removes keys through the Keys stubs; a node with a full keyring refuses, and the CLI exits 1. */
    @Test
    void keysThroughGeneratedStubs() throws Exception {
        String fp1 = TestKeys.fingerprint(1);
        String fp2 = TestKeys.fingerprint(2);
        AgentServer one = agent("one", "keys", TestKeys.base64(1));
        AgentServer two = agent("two", "keys", TestKeys.base64(1));
        // a node whose keyring is full (32 keys): it refuses to install one more
        StringBuilder full = new StringBuilder(TestKeys.base64(1));
        for (int i = 101; i < 132; i++) {
            full.append(',').append(TestKeys.base64(i));
        }
        AgentServer three = agent("three", "keys", full.toString());
        AgentGrpc.AgentBlockingStub s1 = AgentGrpc.newBlockingStub(channel(one)).withDeadlineAfter(60, TimeUnit.SECONDS);
        KeysGrpc.KeysBlockingStub k1 = KeysGrpc.newBlockingStub(channel(one)).withDeadlineAfter(60, TimeUnit.SECONDS);
        s1.join(JoinRequest.newBuilder().addAddresses(Addresses.format(two.cluster.localNode().address()))
                .addAddresses(Addresses.format(three.cluster.localNode().address())).build());
        await().atMost(LONG).until(() -> s1.members(MembersRequest.newBuilder().addStates(State.ALIVE).build()).getMembersCount() == 3
                && two.cluster.memberCount(io.tamtam.NodeState.ALIVE) == 3 && three.cluster.memberCount(io.tamtam.NodeState.ALIVE) == 3);

        KeysReply list = k1.list(KeysListRequest.getDefaultInstance());
        assertEquals(3, list.getNodes());
        assertEquals(0, list.getFailed());
        assertEquals(List.of(fp1), node(list, "one").getKeysList());
        assertTrue(node(list, "one").getLocal());
        assertEquals(32, node(list, "three").getKeysCount());
        KeyHolders h1 = holders(list, fp1);
        assertEquals(3, h1.getNodes());
        assertEquals(3, h1.getPrimary());
        assertEquals(32, list.getHoldersCount());

        KeysReply refused = k1.install(key(2));
        assertEquals(fp2, refused.getFingerprint());
        assertEquals(1, refused.getFailed());
        NodeKeys t = node(refused, "three");
        assertFalse(t.getAcknowledged());
        assertEquals("the keyring holds 32 keys already: remove one first", t.getError());
        assertEquals(List.of(fp1, fp2), node(refused, "two").getKeysList());
        // the CLI prints the same report, and says on one line on standard error that a node failed
        Cli cli = Cli.run("--rpc", Addresses.format(one.rpcAddress()), "keys", "install", TestKeys.base64(2));
        assertEquals(1, cli.exit(), cli.out() + cli.err());
        assertEquals("install " + fp2 + ": 2 of 3 nodes acknowledged", cli.out().lines().findFirst().orElseThrow());
        assertTrue(cli.out().lines().anyMatch(l -> l.matches("three\\s+failed: the keyring holds 32 keys already: remove one first\\s+" + fp1 + ",.*")),
                cli.out());
        assertEquals("tamtam install: 1 of 3 nodes failed (three: the keyring holds 32 keys already: remove one first)", cli.err().trim());
        Cli json = Cli.run("--rpc", Addresses.format(one.rpcAddress()), "keys", "install", TestKeys.base64(2), "--json");
        assertEquals(1, json.exit(), json.out() + json.err());
        assertTrue(json.out().startsWith("{\"operation\":\"install\",\"fingerprint\":\"" + fp2 + "\",\"nodes\":3,\"failed\":1,"), json.out());
        assertTrue(json.out().contains("\"name\":\"three\",\"local\":false,\"acknowledged\":false,"
                + "\"error\":\"the keyring holds 32 keys already: remove one first\""), json.out());
        assertTrue(json.out().contains("{\"fingerprint\":\"" + fp2 + "\",\"nodes\":2,\"primary\":0}"), json.out());

        // room made on three, then the rotation completes everywhere
        assertEquals(0, k1.remove(key(101)).getFailed());
        KeysReply installed = k1.install(key(2));
        assertEquals(0, installed.getFailed(), installed.toString());
        assertEquals(fp2, node(installed, "three").getKeys(31));
        KeysReply used = k1.use(key(2));
        assertEquals(0, used.getFailed(), used.toString());
        for (NodeKeys n : used.getNodeKeysList()) {
            assertEquals(fp2, n.getKeys(0), n.toString());
        }
        KeysReply removed = k1.remove(key(1));
        assertEquals(0, removed.getFailed(), removed.toString());
        assertEquals(List.of(fp2), node(removed, "one").getKeysList());
        assertEquals(List.of(fp2), node(removed, "two").getKeysList());
        KeyHolders h2 = holders(removed, fp2);
        assertEquals(3, h2.getNodes());
        assertEquals(3, h2.getPrimary());
        assertTrue(removed.getHoldersList().stream().noneMatch(h -> h.getFingerprint().equals(fp1)), removed.toString());

        // refusals here and malformed keys: a status with a message
        StatusRuntimeException primary = assertThrows(StatusRuntimeException.class, () -> k1.remove(key(2)));
        assertEquals(Status.Code.INVALID_ARGUMENT, primary.getStatus().getCode());
        assertEquals("key " + fp2 + " is the primary key: switch to another one with 'tamtam keys use' first, then remove it",
                primary.getStatus().getDescription());
        StatusRuntimeException absent = assertThrows(StatusRuntimeException.class, () -> k1.use(key(7)));
        assertTrue(absent.getStatus().getDescription().endsWith("is not installed: install it with 'tamtam keys install' first"),
                absent.getStatus().getDescription());
        StatusRuntimeException empty = assertThrows(StatusRuntimeException.class, () -> k1.install(KeyRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        StatusRuntimeException shortKey = assertThrows(StatusRuntimeException.class,
                () -> k1.install(KeyRequest.newBuilder().setKey(ByteString.copyFrom(new byte[5])).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, shortKey.getStatus().getCode());
        // the cluster still works with the new key
        assertEquals("after", s1.request(RequestRequest.newBuilder().setNode("three").setPayload(ByteString.copyFromUtf8("after")).build())
                .getPayload().toStringUtf8());

        AgentServer plain = agent("plain");
        StatusRuntimeException noKeys = assertThrows(StatusRuntimeException.class,
                () -> KeysGrpc.newBlockingStub(channel(plain)).withDeadlineAfter(60, TimeUnit.SECONDS).list(KeysListRequest.getDefaultInstance()));
        assertEquals(Status.Code.FAILED_PRECONDITION, noKeys.getStatus().getCode());
        assertEquals("this agent's node has no encryption keys: start the agents with --key BASE64 to use keys commands",
                noKeys.getStatus().getDescription());
    }

    /** An agent with another cluster label cannot join; one with the same label can. */
    @Test
    void labelKeepsOtherClustersOut() throws Exception {
        AgentServer blue1 = agent("blue1", "label", "blue");
        AgentServer blue2 = agent("blue2", "label", "blue");
        AgentServer green = agent("green", "label", "green");
        String blue1Address = Addresses.format(blue1.cluster.localNode().address());
        assertEquals("blue", blue1.cluster.config().clusterLabel());

        AgentGrpc.AgentBlockingStub g = AgentGrpc.newBlockingStub(channel(green)).withDeadlineAfter(60, TimeUnit.SECONDS);
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> g.join(JoinRequest.newBuilder().addAddresses(blue1Address).build()));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("cluster label \"green\""), refused.getStatus().getDescription());
        assertTrue(blue1.cluster.stats().dropped(io.tamtam.DropReason.LABEL_MISMATCH) > 0);
        assertEquals(1, green.cluster.memberCount());

        AgentGrpc.AgentBlockingStub b2 = AgentGrpc.newBlockingStub(channel(blue2)).withDeadlineAfter(60, TimeUnit.SECONDS);
        assertEquals(blue1Address, b2.join(JoinRequest.newBuilder().addAddresses(blue1Address).build()).getJoinedThrough());
        await().atMost(LONG).until(() -> blue1.cluster.memberCount(io.tamtam.NodeState.ALIVE) == 2);
        assertTrue(blue1.cluster.members().stream().noneMatch(n -> n.id().equals(green.cluster.localNode().id())));
    }

    @Test
    void sharedKeysJoinOtherKeysDoNotAndStdinIsAPayload() throws Exception {
        String k1 = java.util.Base64.getEncoder().encodeToString("sixteen byte key".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String k2 = java.util.Base64.getEncoder().encodeToString("another 16B key!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String k3 = java.util.Base64.getEncoder().encodeToString("a third key, 16B".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        AgentServer x = agent("x", "keys", k1 + "," + k2);
        AgentServer y = agent("y", "keys", k2 + "," + k1);   // each holds the other's primary key
        AgentServer z = agent("z", "keys", k3);
        String rpcX = Addresses.format(x.rpcAddress());

        Cli joined = Cli.run("--rpc", rpcX, "join", Addresses.format(y.cluster.localNode().address())).ok();
        assertTrue(joined.out().startsWith("joined through "), joined.out());
        Cli refused = Cli.run("--rpc", rpcX, "join", Addresses.format(z.cluster.localNode().address()));
        assertEquals(1, refused.exit(), refused.out());
        assertEquals(1, refused.err().lines().count(), refused.err());
        assertTrue(refused.err().startsWith("tamtam join: "), refused.err());

        List<Message> messages = new CopyOnWriteArrayList<>();
        AgentGrpc.newStub(channel(y)).messages(MessagesRequest.getDefaultInstance(), collect(messages));
        java.io.InputStream stdin = System.in;
        try {
            await().atMost(LONG).pollInterval(Duration.ofMillis(500)).until(() -> {
                System.setIn(new java.io.ByteArrayInputStream("from stdin\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                Cli.run("--rpc", rpcX, "broadcast", "--stdin", "--type", "1000").ok();
                return messages.stream().anyMatch(m -> m.getPayload().toStringUtf8().equals("from stdin\n"));
            });
        } finally {
            System.setIn(stdin);
        }
    }

    static <T> StreamObserver<T> collect(List<T> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {
                // the channel closes at the end of the test
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
