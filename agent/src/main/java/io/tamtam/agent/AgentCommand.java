package io.tamtam.agent;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tamtam agent}: runs a node with its gRPC API and HTTP server until it leaves or is stopped. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Starts a TamTam agent: a cluster node, its gRPC control API and its HTTP server (health, metrics, API, dashboard).")
final class AgentCommand implements Callable<Integer> {
    static final String BANNER = String.join("\n",
            " _                      _",
            "| |_   __ _  _ __ ___  | |_   __ _  _ __ ___",
            "| __| / _` || '_ ` _ \\ | __| / _` || '_ ` _ \\",
            "| |_ | (_| || | | | | || |_ | (_| || | | | | |",
            " \\__| \\__,_||_| |_| |_| \\__| \\__,_||_| |_| |_|");

    @ParentCommand
    Main main;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-b", "--bind"}, paramLabel = "HOST:PORT", description = "address the node's UDP and TCP transports bind to (default: 0.0.0.0:7946)")
    String bind;

    @Option(names = {"-a", "--advertise"}, paramLabel = "HOST:PORT", description = "address announced to other members (default: the bound address)")
    String advertise;

    @Option(names = {"-j", "--join"}, paramLabel = "HOST:PORT", split = ",", description = "seed to join at start; repeatable")
    List<String> join;

    @Option(names = {"-n", "--name"}, description = "node name, kept in metadata 'name' (default: host:port)")
    String name;

    @Option(names = "--http", paramLabel = "HOST:PORT", description = "HTTP server address, or 'off' (default: localhost:6263); beyond loopback it requires --rpc-token")
    String http;

    @Option(names = {"-m", "--meta"}, paramLabel = "KEY=VALUE", split = ",", description = "initial metadata entry; repeatable")
    List<String> meta;

    @Option(names = {"-k", "--key"}, paramLabel = "BASE64", split = ",", description = "AES key (16, 24 or 32 bytes, base64); repeatable, the first one encrypts")
    List<String> keys;

    @Option(names = "--expect", paramLabel = "N", description = "live members /health/ready requires (default: 1)")
    String expect;

    @Option(names = "--message-types", paramLabel = "TYPE", split = ",", description = "user message types received and streamed (default: 1000)")
    List<String> messageTypes;

    @Option(names = "--profile", description = "timing preset: lan, wan or local (default: lan)")
    String profile;

    @Option(names = {"-l", "--label"}, paramLabel = "LABEL", description = "cluster label: joins and talks only to nodes with the same label (default: none)")
    String label;

    @Option(names = "--print-config", description = "print the effective configuration and where each value came from, then exit")
    boolean printConfig;

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = new HashMap<>();
        flags.put("bind", bind);
        flags.put("advertise", advertise);
        flags.put("join", join == null ? null : String.join(",", join));
        flags.put("name", name);
        flags.put("http", http);
        flags.put("metadata", meta == null ? null : String.join(",", meta));
        flags.put("keys", keys == null ? null : String.join(",", keys));
        flags.put("expect", expect);
        flags.put("message-types", messageTypes == null ? null : String.join(",", messageTypes));
        flags.put("profile", profile);
        flags.put("label", label);
        Settings settings = main.settings(flags);
        PrintWriter out = spec.commandLine().getOut();
        if (printConfig) {
            out.print(settings.describe());
            out.flush();
            return 0;
        }
        AgentLog.Level level = settings.flag("trace") ? AgentLog.Level.TRACE
                : settings.flag("verbose") ? AgentLog.Level.INFO : AgentLog.Level.WARN;
        AgentLog log = new AgentLog(System.err, level);
        if (!settings.flag("nobanner")) {
            out.println(BANNER);
            out.println();
        }
        AgentServer agent = new AgentServer(settings, log);
        Thread hook = new Thread(agent::close, "tamtam-agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        var self = agent.cluster.localNode();
        out.println("tamtam agent " + agent.version + " running");
        out.println("  node:      " + AgentServer.name(self) + " " + self.id());
        out.println("  gossip:    " + Addresses.format(self.address()));
        out.println("  rpc:       " + Addresses.format(agent.rpcAddress()));
        out.println("  http:      " + agent.httpAddress().map(a -> "http://" + Addresses.format(a) + "/").orElse("off"));
        agent.joinSeeds();
        agent.awaitStop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting
        }
        out.println("tamtam agent stopped");
        out.flush();
        return 0;
    }
}
