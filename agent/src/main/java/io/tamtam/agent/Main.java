package io.tamtam.agent;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code tamtam} command. Exit codes: 0 success, 1 failure (one line on standard error),
 * 2 bad usage, 3 {@code healthy} found the cluster unhealthy.
 */
@Command(name = "tamtam", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Runs a TamTam agent and drives it: cluster membership, messages and broadcasts for scripts and programs.",
        subcommands = {AgentCommand.class, ClientCommands.Join.class, ClientCommands.Leave.class, ClientCommands.Nodes.class,
                ClientCommands.Healthy.class, ClientCommands.Ping.class, ClientCommands.Broadcast.class,
                ClientCommands.Send.class, ClientCommands.Request.class, ClientCommands.Stream.class,
                ClientCommands.Monitor.class, ClientCommands.Address.class, ClientCommands.VersionCommand.class,
                ClientCommands.Configure.class, GroupCommands.Metadata.class, ClientCommands.Stats.class,
                GenDoc.class, ClientCommands.Completion.class, GroupCommands.Keys.class})
public final class Main implements java.util.concurrent.Callable<Integer> {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_UNHEALTHY = 3;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (default: $HOME/.tamtam.yaml when it exists)")
    Path config;

    @Option(names = "--rpc", paramLabel = "HOST:PORT", description = "address the agent binds its gRPC API to, or other commands call (default: localhost:6262)")
    String rpc;

    @Option(names = "--rpc-token", paramLabel = "TOKEN", description = "token for the gRPC API, and for the HTTP server beyond loopback (required to bind either beyond loopback)")
    String rpcToken;

    @Option(names = "--verbose", description = "log at info level")
    Boolean verbose;

    @Option(names = "--trace", description = "log at trace level")
    Boolean trace;

    @Option(names = "--nobanner", description = "do not print the banner when the agent starts")
    Boolean nobanner;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Map<String, String> env = System.getenv();

    /** {@code tamtam} without a command: the usage, on standard error, and the usage exit code. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }
    Path home = Path.of(System.getProperty("user.home"));

    /** @return the settings from these global flags, the agent's flags, the environment and the config file */
    Settings settings(Map<String, String> moreFlags) {
        Map<String, String> flags = new java.util.HashMap<>(moreFlags);
        flags.put("rpc", rpc);
        flags.put("rpc-token", rpcToken);
        flags.put("verbose", verbose == null ? null : verbose.toString());
        flags.put("trace", trace == null ? null : trace.toString());
        flags.put("nobanner", nobanner == null ? null : nobanner.toString());
        return Settings.resolve(flags, env, config, home);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) {
        return run(args, env, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    }

    /**
     * Runs one command line.
     *
     * @param args the arguments after {@code tamtam}
     * @param env  the environment to read {@code TAMTAM_*} settings from
     * @param out  standard output
     * @param err  standard error
     * @return the exit code
     */
    static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        main.env = env;
        CommandLine cl = commandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine(Main main) {
        CommandLine cl = new CommandLine(main);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("tamtam " + cmd.getCommandName() + ": " + Errors.message(e));
            return EXIT_FAILURE;
        });
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("tamtam " + cmd.getCommandName() + ": " + e.getMessage()
                    + " (see: tamtam " + (cmd.getParent() == null ? "" : cmd.getCommandName() + " ") + "--help)");
            return EXIT_USAGE;
        });
        return cl;
    }

    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tamtam " + version()};
        }
    }
}
