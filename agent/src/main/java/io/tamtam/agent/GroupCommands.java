package io.tamtam.agent;

import com.google.protobuf.ByteString;
import io.tamtam.agent.grpc.AgentGrpc;
import io.tamtam.agent.grpc.ConfigureRequest;
import io.tamtam.agent.grpc.KeyHolders;
import io.tamtam.agent.grpc.KeyRequest;
import io.tamtam.agent.grpc.KeysGrpc;
import io.tamtam.agent.grpc.KeysListRequest;
import io.tamtam.agent.grpc.KeysReply;
import io.tamtam.agent.grpc.NodeKeys;
import io.tamtam.agent.grpc.Member;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** The agent's command groups, {@code metadata} and {@code keys}: commands whose subcommands call a running agent. */
final class GroupCommands {
    private GroupCommands() {
    }

    /** A command that only groups subcommands: without one it is a usage error naming them. */
    abstract static class Group implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<String> names = new ArrayList<>(spec.subcommands().keySet());
            String last = names.remove(names.size() - 1);
            throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: " + String.join(", ", names) + " or " + last);
        }
    }

    @Command(name = "metadata", mixinStandardHelpOptions = true, description = "Reads or changes node metadata.",
            subcommands = {Metadata.Set.class, Metadata.Get.class, Metadata.Remove.class})
    static final class Metadata extends Group {

        abstract static class Sub extends ClientCommands.Client {
            @ParentCommand
            Metadata parent;

            @Override
            Main main() {
                return parent.main;
            }
        }

        @Command(name = "set", mixinStandardHelpOptions = true, description = "Sets a metadata entry of the agent's node and spreads it.")
        static final class Set extends Sub {
            @Parameters(index = "0", paramLabel = "KEY")
            String key;

            @Parameters(index = "1", paramLabel = "VALUE")
            String value;

            @Override
            int run(AgentGrpc.AgentBlockingStub stub) {
                timed(stub).configure(ConfigureRequest.newBuilder().putSetMetadata(key, value).build());
                out().println(key + "=" + value);
                return 0;
            }
        }

        @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a metadata entry of the agent's node.")
        static final class Remove extends Sub {
            @Parameters(index = "0", paramLabel = "KEY")
            String key;

            @Override
            int run(AgentGrpc.AgentBlockingStub stub) {
                timed(stub).configure(ConfigureRequest.newBuilder().addRemoveMetadata(key).build());
                out().println("removed " + key);
                return 0;
            }
        }

        @Command(name = "get", mixinStandardHelpOptions = true, description = "Prints metadata of the agent's node, or of another node with --node.")
        static final class Get extends Sub {
            @Parameters(index = "0", paramLabel = "KEY", arity = "0..1", description = "one key (default: every entry as KEY=VALUE)")
            String key;

            @Option(names = "--node", paramLabel = "NODE", description = "node id, id prefix, name or host:port (default: the agent's)")
            String node;

            @Override
            int run(AgentGrpc.AgentBlockingStub stub) {
                List<Member> members = ClientCommands.members(timed(stub), List.of());
                Member m;
                if (node == null) {
                    m = members.stream().filter(Member::getLocal).findFirst().orElseThrow();
                } else {
                    List<Member> match = members.stream().filter(x -> x.getId().equals(node) || x.getName().equals(node)
                            || x.getAddress().equals(node) || x.getId().startsWith(node)).toList();
                    if (match.size() != 1) {
                        throw new IllegalArgumentException(match.isEmpty() ? "unknown node '" + node + "'"
                                : "node '" + node + "' is ambiguous: " + match.size() + " members match");
                    }
                    m = match.get(0);
                }
                if (key == null) {
                    new TreeMap<>(m.getMetadataMap()).forEach((k, v) -> out().println(k + "=" + v));
                    return 0;
                }
                String v = m.getMetadataMap().get(key);
                if (v == null) {
                    throw new IllegalArgumentException("node " + m.getName() + " has no metadata '" + key + "'");
                }
                out().println(v);
                return 0;
            }
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "Lists, installs, switches and removes the cluster's encryption keys on every live node (agents started with --key).",
            subcommands = {Keys.ListKeys.class, Keys.Install.class, Keys.Use.class, Keys.Remove.class})
    static final class Keys extends Group {

        /** A keys subcommand: calls the Keys service, prints the per-node report, fails when any node failed. */
        abstract static class Sub extends ClientCommands.Client {
            @ParentCommand
            Keys parent;

            @Option(names = "--json", description = "the report as one JSON object")
            boolean json;

            @Override
            Main main() {
                return parent.main;
            }

            @Override
            int run(AgentGrpc.AgentBlockingStub stub) {
                KeysGrpc.KeysBlockingStub keys = KeysGrpc.newBlockingStub(stub.getChannel())
                        .withCallCredentials(stub.getCallOptions().getCredentials())
                        .withDeadlineAfter(rpcTimeout, TimeUnit.SECONDS);
                KeysReply r = call(keys);
                if (json) {
                    out().println(Json.write(json(spec.name(), r)));
                } else {
                    report(out(), spec.name(), r);
                }
                if (r.getFailed() > 0) {
                    StringBuilder why = new StringBuilder();
                    for (NodeKeys n : r.getNodeKeysList()) {
                        if (!n.getAcknowledged()) {
                            why.append(why.length() == 0 ? "" : "; ").append(n.getName()).append(": ").append(n.getError());
                        }
                    }
                    throw new IllegalStateException(r.getFailed() + " of " + r.getNodes() + " nodes failed (" + why + ")");
                }
                return 0;
            }

            abstract KeysReply call(KeysGrpc.KeysBlockingStub keys);
        }

        /** A subcommand that takes a key. */
        abstract static class KeySub extends Sub {
            @Parameters(paramLabel = "KEY", description = "the key, base64 (16, 24 or 32 bytes), as for 'tamtam agent --key'")
            String key;

            KeyRequest request() {
                try {
                    return KeyRequest.newBuilder().setKey(ByteString.copyFrom(Base64.getDecoder().decode(key.trim()))).build();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("KEY is not base64: give the key as for 'tamtam agent --key'");
                }
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the keys each live node holds, the primary one first.")
        static final class ListKeys extends Sub {
            @Override
            KeysReply call(KeysGrpc.KeysBlockingStub keys) {
                return keys.list(KeysListRequest.getDefaultInstance());
            }
        }

        @Command(name = "install", mixinStandardHelpOptions = true, description = "Installs a key on every live node: they decrypt with it from now on.")
        static final class Install extends KeySub {
            @Override
            KeysReply call(KeysGrpc.KeysBlockingStub keys) {
                return keys.install(request());
            }
        }

        @Command(name = "use", mixinStandardHelpOptions = true, description = "Makes an installed key the primary one on every live node: they encrypt with it from now on.")
        static final class Use extends KeySub {
            @Override
            KeysReply call(KeysGrpc.KeysBlockingStub keys) {
                return keys.use(request());
            }
        }

        @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a key from every live node; refused where it is the primary key.")
        static final class Remove extends KeySub {
            @Override
            KeysReply call(KeysGrpc.KeysBlockingStub keys) {
                return keys.remove(request());
            }
        }

        /** The report as JSON: the same fields as the gRPC reply, and the operation. */
        static Map<String, Object> json(String op, KeysReply r) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("operation", op);
            o.put("fingerprint", r.getFingerprint());
            o.put("nodes", r.getNodes());
            o.put("failed", r.getFailed());
            List<Object> nodes = new ArrayList<>();
            for (NodeKeys n : r.getNodeKeysList()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", n.getNodeId());
                m.put("name", n.getName());
                m.put("local", n.getLocal());
                m.put("acknowledged", n.getAcknowledged());
                m.put("error", n.getError());
                m.put("keys", n.getKeysList());
                nodes.add(m);
            }
            o.put("node_keys", nodes);
            List<Object> holders = new ArrayList<>();
            for (KeyHolders h : r.getHoldersList()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("fingerprint", h.getFingerprint());
                m.put("nodes", h.getNodes());
                m.put("primary", h.getPrimary());
                holders.add(m);
            }
            o.put("holders", holders);
            return o;
        }

        /** The report: a summary line, one row per node, one row per key. */
        static void report(PrintWriter out, String op, KeysReply r) {
            int acked = r.getNodes() - r.getFailed();
            out.println(op + (r.getFingerprint().isEmpty() ? "" : " " + r.getFingerprint()) + ": " + acked + " of " + r.getNodes()
                    + " nodes " + (op.equals("list") ? "answered" : "acknowledged"));
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NODE", "RESULT", "KEYS (PRIMARY FIRST)"});
            for (NodeKeys n : r.getNodeKeysList()) {
                rows.add(new String[] {n.getName() + (n.getLocal() ? " *" : ""), n.getAcknowledged() ? "ok" : "failed: " + n.getError(),
                        String.join(",", n.getKeysList())});
            }
            ClientCommands.columns(out, rows);
            rows = new ArrayList<>();
            rows.add(new String[] {"KEY", "NODES", "PRIMARY ON"});
            for (KeyHolders h : r.getHoldersList()) {
                rows.add(new String[] {h.getFingerprint(), h.getNodes() + "/" + r.getNodes(), Integer.toString(h.getPrimary())});
            }
            ClientCommands.columns(out, rows);
        }
    }
}
