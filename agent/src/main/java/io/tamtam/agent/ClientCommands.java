package io.tamtam.agent;

import com.google.protobuf.ByteString;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tamtam.agent.grpc.AgentGrpc;
import io.tamtam.agent.grpc.BroadcastRequest;
import io.tamtam.agent.grpc.ConfigureReply;
import io.tamtam.agent.grpc.ConfigureRequest;
import io.tamtam.agent.grpc.EventsRequest;
import io.tamtam.agent.grpc.InfoReply;
import io.tamtam.agent.grpc.InfoRequest;
import io.tamtam.agent.grpc.JoinReply;
import io.tamtam.agent.grpc.JoinRequest;
import io.tamtam.agent.grpc.LeaveRequest;
import io.tamtam.agent.grpc.Member;
import io.tamtam.agent.grpc.MembersRequest;
import io.tamtam.agent.grpc.Message;
import io.tamtam.agent.grpc.MessagesRequest;
import io.tamtam.agent.grpc.PingReply;
import io.tamtam.agent.grpc.PingRequest;
import io.tamtam.agent.grpc.RequestReply;
import io.tamtam.agent.grpc.RequestRequest;
import io.tamtam.agent.grpc.SendReply;
import io.tamtam.agent.grpc.SendRequest;
import io.tamtam.agent.grpc.State;
import io.tamtam.agent.grpc.StatsRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** The commands that call a running agent's gRPC API (the command groups are in {@link GroupCommands}). */
final class ClientCommands {
    private ClientCommands() {
    }

    /** A command that calls the agent at {@code --rpc}. */
    abstract static class Client implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        /** Seconds a call waits for the agent (streams excepted). */
        @Option(names = "--rpc-timeout", paramLabel = "SECONDS", description = "how long to wait for the agent (default: 30)")
        long rpcTimeout = 30;

        private String target;

        abstract Main main();

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        @Override
        public final Integer call() throws Exception {
            Settings settings = main().settings(Map.of());
            target = settings.get("rpc");
            InetSocketAddress address = Addresses.parse(target, "rpc address");
            ManagedChannel channel = NettyChannelBuilder.forAddress(address).usePlaintext()
                    .maxInboundMessageSize(64 * 1024 * 1024).build();
            try {
                AgentGrpc.AgentBlockingStub stub = AgentGrpc.newBlockingStub(channel);
                String token = settings.get("rpc-token");
                if (!token.isEmpty()) {
                    stub = stub.withCallCredentials(new Token(token));
                }
                return run(stub);
            } catch (StatusRuntimeException e) {
                throw new IllegalStateException(describe(e), e);
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        }

        String describe(StatusRuntimeException e) {
            Status s = e.getStatus();
            if (s.getCode() == Status.Code.UNAVAILABLE && (s.getDescription() == null || s.getDescription().startsWith("io exception")
                    || s.getCause() != null)) {
                return "no agent answers on " + target + " (--rpc): " + (s.getCause() != null ? Errors.message(s.getCause()) : s.getDescription())
                        + "; start one with 'tamtam agent' or point --rpc at it";
            }
            if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                return "the agent on " + target + " did not answer in time" + (s.getDescription() == null ? "" : ": " + s.getDescription());
            }
            return s.getDescription() == null ? s.getCode().toString() : s.getDescription();
        }

        AgentGrpc.AgentBlockingStub timed(AgentGrpc.AgentBlockingStub stub) {
            return stub.withDeadlineAfter(rpcTimeout, TimeUnit.SECONDS);
        }

        abstract int run(AgentGrpc.AgentBlockingStub stub) throws Exception;
    }

    /** A client command directly under {@code tamtam}. */
    abstract static class TopClient extends Client {
        @ParentCommand
        Main main;

        @Override
        Main main() {
            return main;
        }
    }

    static final class Token extends CallCredentials {
        private final String token;

        Token(String token) {
            this.token = token;
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            io.grpc.Metadata m = new io.grpc.Metadata();
            m.put(TokenInterceptor.AUTHORIZATION, "Bearer " + token);
            applier.apply(m);
        }
    }

    static byte[] payload(String message, Path file, boolean stdin) throws IOException {
        int given = (message != null ? 1 : 0) + (file != null ? 1 : 0) + (stdin ? 1 : 0);
        if (given != 1) {
            throw new IllegalArgumentException("give exactly one payload: a MESSAGE argument, --file FILE, or --stdin");
        }
        if (message != null) {
            return message.getBytes(StandardCharsets.UTF_8);
        }
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("payload file " + file + " does not exist or is not a file");
            }
            return Files.readAllBytes(file);
        }
        return System.in.readAllBytes();
    }

    static String text(ByteString b) {
        return b.toStringUtf8().replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    static String state(State s) {
        return s.name();
    }

    static Map<String, Object> json(Member m) {
        return HttpApi.memberJson(m);
    }

    static String micros(long us) {
        return us >= 10_000 ? String.format(Locale.ROOT, "%.1f ms", us / 1000.0) : String.format(Locale.ROOT, "%.3f ms", us / 1000.0);
    }

    @Command(name = "join", mixinStandardHelpOptions = true, description = "Joins the agent's node to a cluster through one or more of its members.")
    static final class Join extends TopClient {
        @Parameters(paramLabel = "HOST:PORT", arity = "1..*", description = "addresses of cluster members")
        List<String> addresses;

        @Override
        int run(AgentGrpc.AgentBlockingStub stub) {
            JoinReply r = timed(stub).join(JoinRequest.newBuilder().addAllAddresses(addresses).build());
            out().println("joined through " + r.getJoinedThrough() + ": " + r.getLiveMembers() + " live members");
            return 0;
        }
    }

    @Command(name = "leave", mixinStandardHelpOptions = true, description = "Makes the agent leave the cluster gracefully (others see LEFT, not DEAD), then stop.")
    static final class Leave extends TopClient {
        @Option(names = "--timeout", paramLabel = "MILLIS", description = "how long the leave may take to spread (default: 2000)")
        long timeout = 2000;

        @Override
        int run(AgentGrpc.AgentBlockingStub stub) {
            timed(stub).leave(LeaveRequest.newBuilder().setTimeoutMillis(timeout).build());
            out().println("left the cluster; the agent is stopping");
            return 0;
        }
    }

    static List<Member> members(AgentGrpc.AgentBlockingStub stub, List<State> states) {
        return stub.members(MembersRequest.newBuilder().addAllStates(states).build()).getMembersList();
    }

    static List<State> states(List<String> names) {
        List<State> out = new ArrayList<>();
        if (names != null) {
            for (String n : names) {
                try {
                    State s = State.valueOf(n.trim().toUpperCase(Locale.ROOT));
                    if (s == State.STATE_UNSPECIFIED || s == State.UNRECOGNIZED) {
                        throw new IllegalArgumentException();
                    }
                    out.add(s);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("state '" + n + "' is not one of alive, suspect, dead, left");
                }
            }
        }
        return out;
    }

    static void table(PrintWriter out, List<Member> members) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "ADDRESS", "STATE", "INCARNATION", "ID", "METADATA"});
        for (Member m : members) {
            StringBuilder md = new StringBuilder();
            new TreeMap<>(m.getMetadataMap()).forEach((k, v) -> {
                if (!k.equals("name")) {
                    md.append(md.length() == 0 ? "" : ",").append(k).append('=').append(v);
                }
            });
            rows.add(new String[] {m.getName() + (m.getLocal() ? " *" : ""), m.getAddress(), state(m.getState()),
                    Long.toString(m.getIncarnation()), m.getId(), md.toString()});
        }
        columns(out, rows);
    }

    /** Prints rows as columns two spaces apart, each as wide as its widest cell. */
    static void columns(PrintWriter out, List<String[]> rows) {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    @Command(name = "nodes", mixinStandardHelpOptions = true, description = "Lists the known nodes with state, incarnation, address and metadata (* marks the agent's own).")
    static final class Nodes extends TopClient {
        @Option(names = "--json", description = "one JSON array instead of a table")
        boolean json;

        @Option(names = "--state", split = ",", paramLabel = "STATE", description = "only nodes in these states (alive, suspect, dead, left)")
        List<String> states;

        @Override
        int run(AgentGrpc.AgentBlockingStub stub) {
            List<Member> members = members(timed(stub), states(states));
            if (json) {
                out().println(Json.write(members.stream().map(ClientCommands::json).toList()));
            } else {
                table(out(), members);
            }
            return 0;
        }
    }

    @Command(name = "healthy", mixinStandardHelpOptions = true,
            description = "Lists the alive nodes; exits 0 when the cluster is healthy (at least --min alive members, none suspected), 3 when not.")
    static final class Healthy extends TopClient {
        @Option(names = "--min", paramLabel = "N", description = "alive members a healthy cluster has (default: 1)")
        int min = 1;

        @Override
        int run(AgentGrpc.AgentBlockingStub stub) {
            List<Member> all = members(timed(stub), List.of());
            List<Member> alive = all.stream().filter(m -> m.getState() == State.ALIVE).toList();
            long suspect = all.stream().filter(m -> m.getState() == State.SUSPECT).count();
            table(out(), alive);
            boolean healthy = alive.size() >= min && suspect == 0;
            out().println((healthy ? "healthy: " : "unhealthy: ") + alive.size() + " alive (min " + min + "), " + suspect + " suspect");
            return healthy ? 0 : Main.EXIT_UNHEALTHY;
        }
    }

    @Command(name = "ping", mixinStandardHelpOptions = true,
            description = "Pings a node through the failure detector's own probe path (one PING answered by an ACK), with the round trips of the detector's regular probes of it.")
    static final class Ping extends TopClient {
        @Parameters(paramLabel = "NODE", description = "node id, id prefix, name or host:port")
        String node;

        @Option(names = {"-c", "--count"}, description = "pings to send (default: 1)")
        int count = 1;

        @Option(names = "--timeout", paramLabel = "MILLIS", description = "how long each ping waits (default: 5000)")
        long timeout = 5000;

        @Override
        int run(AgentGrpc.AgentBlockingStub stub) {
            if (count < 1) {
                throw new IllegalArgumentException("--count must be at least 1");
            }
            for (int i = 0; i < count; i++) {
                PingReply r = timed(stub).ping(PingRequest.newBuilder().setNode(node).setTimeoutMillis(timeout).build());
                out().println("reply from " + r.getName() + " (" + r.getNodeId() + "): time=" + micros(r.getRoundTripMicros())
                        + (r.getProbeSamples() > 0 ? ", probe p50=" + micros(r.getProbeP50Micros()) + " p99=" + micros(r.getProbeP99Micros())
                        + " over " + r.getProbeSamples() + " probes" : ", no probe acked yet"));
            }
            return 0;
        }
    }

    /** Payload options shared by broadcast, send and request. */
    static final class PayloadOptions {
        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "read the payload from a file")
        Path file;

        @Option(names = "--stdin", description = "read the payload from standard input")
        boolean stdin;
    }

    /** A command addressed to one node with a payload: NODE, then MESSAGE or --file or --stdin. */
    abstract static class NodePayloadClient extends TopClient {
        @Parameters(index = "0", paramLabel = "NODE", description = "node id, id prefix, name or host:port")
        String node;

        @Parameters(index = "1", paramLabel = "MESSAGE", arity = "0..1", description = "the payload, as text")
        String message;

        @CommandLine.Mixin
        PayloadOptions payload = new PayloadOptions();

        byte[] payload() throws IOException {
            return ClientCommands.payload(message, payload.file, payload.stdin);
        }
    }

    @Command(name = "broadcast", mixinStandardHelpOptions = true, description = "Broadcasts a message to every other node of the cluster.")
    static final class Broadcast extends TopClient {
        @Parameters(paramLabel = "MESSAGE", arity = "0..1", description = "the payload, as text")
        String message;

        @CommandLine.Mixin
        PayloadOptions payload = new PayloadOptions();

        @Option(names = {"-t", "--type"}, description = "message type, 128..65533 (default: 1000)")
        int type = 1000;

        @Override
        int run(AgentGrpc.AgentBlockingStub stub) throws IOException {
            byte[] p = payload(message, payload.file, payload.stdin);
            timed(stub).broadcast(BroadcastRequest.newBuilder().setType(type).setPayload(ByteString.copyFrom(p)).build());
            out().println("broadcast " + p.length + " bytes of type " + type);
            return 0;
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true, description = "Sends a message to one node (best effort, or --reliable: acknowledged and ordered).")
    static final class Send extends NodePayloadClient {
        @Option(names = {"-t", "--type"}, description = "message type, 128..65533 (default: 1000)")
        int type = 1000;

        @Option(names = "--reliable", description = "wait until the node's agent received it")
        boolean reliable;

        @Override
        int run(AgentGrpc.AgentBlockingStub stub) throws IOException {
            byte[] p = payload();
            SendReply r = timed(stub).send(SendRequest.newBuilder().setNode(node).setType(type)
                    .setPayload(ByteString.copyFrom(p)).setReliable(reliable).build());
            out().println("sent " + p.length + " bytes of type " + type + " to " + r.getNodeId() + (reliable ? " (delivered)" : ""));
            return 0;
        }
    }

    @Command(name = "request", mixinStandardHelpOptions = true, description = "Sends a request to one node's agent and prints its reply (agents echo the payload).")
    static final class Request extends NodePayloadClient {
        @Option(names = "--timeout", paramLabel = "MILLIS", description = "how long to wait for the reply (default: 5000)")
        long timeout = 5000;

        @Override
        int run(AgentGrpc.AgentBlockingStub stub) throws IOException {
            byte[] p = payload();
            RequestReply r = timed(stub).request(RequestRequest.newBuilder().setNode(node)
                    .setPayload(ByteString.copyFrom(p)).setTimeoutMillis(timeout).build());
            out().println(r.getPayload().toStringUtf8());
            return 0;
        }
    }

    @Command(name = "stream", mixinStandardHelpOptions = true,
            description = "Prints the broadcasts and messages the agent receives, one per line (payload text, newlines escaped), for piping into a script.")
    static final class Stream extends TopClient {
        @Option(names = "--json", description = "one JSON object per line: kind, type, sender, payload (text and base64)")
        boolean json;

        @Option(names = "--from", description = "prefix each line with the sender's name and the message type")
        boolean from;

        @Option(names = {"-c", "--count"}, description = "exit after this many messages (default: run until stopped)")
        long count = Long.MAX_VALUE;

        @Override
        int run(AgentGrpc.AgentBlockingStub stub) {
            Iterator<Message> it = stub.messages(MessagesRequest.getDefaultInstance());
            long n = 0;
            while (n < count && it.hasNext()) {
                Message m = it.next();
                if (json) {
                    Map<String, Object> j = new LinkedHashMap<>();
                    j.put("kind", m.getKind());
                    j.put("type", m.getType());
                    j.put("from_id", m.getFromId());
                    j.put("from", m.getFromName());
                    j.put("time", m.getUnixMillis());
                    j.put("text", m.getPayload().toStringUtf8());
                    j.put("base64", Base64.getEncoder().encodeToString(m.getPayload().toByteArray()));
                    out().println(Json.write(j));
                } else {
                    out().println((from ? m.getFromName() + " " + m.getType() + ": " : "") + text(m.getPayload()));
                }
                out().flush();
                n++;
            }
            return 0;
        }
    }

    @Command(name = "monitor", mixinStandardHelpOptions = true, description = "Prints the current members, then every membership change as it happens.")
    static final class Monitor extends TopClient {
        @Option(names = "--json", description = "one JSON object per line")
        boolean json;

        @Option(names = {"-c", "--count"}, description = "exit after this many changes, the initial members not counted (default: run until stopped)")
        long count = Long.MAX_VALUE;

        @Override
        int run(AgentGrpc.AgentBlockingStub stub) {
            Iterator<io.tamtam.agent.grpc.MembershipEvent> it = stub.events(EventsRequest.getDefaultInstance());
            long n = 0;
            while (n < count && it.hasNext()) {
                io.tamtam.agent.grpc.MembershipEvent e = it.next();
                Member m = e.getMember();
                if (json) {
                    Map<String, Object> j = new LinkedHashMap<>();
                    j.put("type", e.getType());
                    j.put("cause", e.getCause());
                    j.put("time", e.getUnixMillis());
                    j.put("member", json(m));
                    out().println(Json.write(j));
                } else {
                    out().println(Instant.ofEpochMilli(e.getUnixMillis()) + " " + String.format("%-8s", e.getType()) + " " + m.getName()
                            + " " + m.getAddress() + " " + state(m.getState()) + " incarnation " + m.getIncarnation()
                            + (e.getCause().isEmpty() ? "" : " (" + e.getCause().toLowerCase(Locale.ROOT) + ")"));
                }
                out().flush();
                if (!e.getType().equals("SNAPSHOT")) {
                    n++;
                }
            }
            return 0;
        }
    }

    @Command(name = "address", mixinStandardHelpOptions = true, description = "Prints the address the agent's node advertises, and where it is bound.")
    static final class Address extends TopClient {
        @Override
        int run(AgentGrpc.AgentBlockingStub stub) {
            InfoReply i = timed(stub).info(InfoRequest.getDefaultInstance());
            out().println(i.getAddress());
            if (!i.getBindAddress().equals(i.getAddress())) {
                out().println("bound to " + i.getBindAddress());
            }
            return 0;
        }
    }

    @Command(name = "version", mixinStandardHelpOptions = true, description = "Prints this command's version, and the agent's when one answers on --rpc.")
    static final class VersionCommand implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--agent", description = "also ask the agent on --rpc for its version and protocol")
        boolean agent;

        @Override
        public Integer call() throws Exception {
            spec.commandLine().getOut().println("tamtam " + Main.version() + " (java " + System.getProperty("java.version") + ")");
            if (agent) {
                Info info = new Info();
                info.main = main;
                info.spec = spec;
                return info.call();
            }
            return 0;
        }
    }

    /** The agent half of {@code version --agent}. */
    static final class Info extends TopClient {
        @Override
        int run(AgentGrpc.AgentBlockingStub stub) {
            InfoReply i = timed(stub).info(InfoRequest.getDefaultInstance());
            out().println("agent " + i.getVersion() + " on " + i.getRpcAddress() + ", protocol " + i.getProtocolVersion() + ", node " + i.getName());
            return 0;
        }
    }

    @Command(name = "configure", mixinStandardHelpOptions = true, description = "Changes a running agent: its log level and its node's metadata.")
    static final class Configure extends TopClient {
        @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info, debug or trace")
        String logLevel;

        @Option(names = {"-m", "--meta"}, paramLabel = "KEY=VALUE", split = ",", description = "set a metadata entry; repeatable")
        List<String> meta;

        @Option(names = "--remove-meta", paramLabel = "KEY", split = ",", description = "remove a metadata entry; repeatable")
        List<String> remove;

        @Override
        int run(AgentGrpc.AgentBlockingStub stub) {
            ConfigureRequest.Builder b = ConfigureRequest.newBuilder();
            if (logLevel != null) {
                b.setLogLevel(logLevel);
            }
            if (meta != null) {
                for (String kv : meta) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--meta '" + kv + "' is not KEY=VALUE");
                    }
                    b.putSetMetadata(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            if (remove != null) {
                b.addAllRemoveMetadata(remove);
            }
            ConfigureReply r = timed(stub).configure(b.build());
            out().println("log level " + r.getLogLevel());
            new TreeMap<>(r.getMetadataMap()).forEach((k, v) -> out().println("metadata " + k + "=" + v));
            return 0;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Prints the agent node's counters.")
    static final class Stats extends TopClient {
        @Option(names = "--json", description = "one JSON object")
        boolean json;

        @Override
        int run(AgentGrpc.AgentBlockingStub stub) {
            Map<String, Long> c = timed(stub).stats(StatsRequest.getDefaultInstance()).getCountersMap();
            Map<String, Long> sorted = new TreeMap<>(c);
            if (json) {
                out().println(Json.write(sorted));
            } else {
                sorted.forEach((k, v) -> out().println(String.format("%-26s %d", k, v)));
            }
            return 0;
        }
    }

    @Command(name = "completion", mixinStandardHelpOptions = true, description = "Prints a bash/zsh completion script: source <(tamtam completion)")
    static final class Completion implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(picocli.AutoComplete.bash("tamtam", spec.root().commandLine()));
            return 0;
        }
    }
}
