package io.tamtam.agent;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The effective settings of one invocation: each key from the command line when given there, else from the
 * environment ({@code TAMTAM_} and the key in capitals, dashes as underscores), else from the YAML config
 * file, else its default. Values are strings; lists are comma-separated; {@code metadata} is
 * {@code k=v,k=v} (a YAML mapping in the file).
 */
final class Settings {

    /** A key the config file, the environment and the flags may set. */
    record Key(String name, String defaultValue, String description) {
        String env() {
            return "TAMTAM_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        }
    }

    static final List<Key> KEYS = List.of(
            new Key("rpc", "localhost:6262", "address the agent binds its gRPC API to, and other commands call"),
            new Key("rpc-token", "", "token the gRPC API requires (needed to bind it beyond loopback)"),
            new Key("nobanner", "false", "do not print the banner when the agent starts"),
            new Key("verbose", "false", "log at info level"),
            new Key("trace", "false", "log at trace level"),
            new Key("bind", "0.0.0.0:7946", "address the node's UDP and TCP transports bind to"),
            new Key("advertise", "", "address announced to other members (empty: the bound address)"),
            new Key("join", "", "seed addresses joined at start, comma-separated"),
            new Key("name", "", "node name, kept in metadata 'name' (empty: host:port)"),
            new Key("http", "localhost:6263", "address of the HTTP health, metrics, API and dashboard server ('off' disables it)"),
            new Key("metadata", "", "initial metadata, k=v,k=v"),
            new Key("keys", "", "base64 AES keys (16, 24 or 32 bytes), comma-separated, the first one primary"),
            new Key("expect", "1", "live members /health/ready and healthy require"),
            new Key("message-types", "1000", "user message types the agent receives and streams, comma-separated"),
            new Key("profile", "lan", "timing preset: lan, wan or local"),
            new Key("label", "", "cluster label: nodes join and talk only to nodes with the same label (empty: none)"));

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    private Settings() {
    }

    /**
     * @param flags      values given on the command line (absent keys were not given)
     * @param env        the environment
     * @param configFile the file, or null for the default location
     * @param home       the user's home, for the default location
     * @return the effective settings
     * @throws ConfigException when the file is malformed or names an unknown key
     */
    static Settings resolve(Map<String, String> flags, Map<String, String> env, Path configFile, Path home) {
        Map<String, String> file = Map.of();
        Path path = configFile != null ? configFile : home.resolve(".tamtam.yaml");
        if (configFile != null || Files.exists(path)) {
            file = readFile(path);
        }
        Settings s = new Settings();
        for (Key k : KEYS) {
            if (flags.get(k.name) != null) {
                s.put(k.name, flags.get(k.name), "flag");
            } else if (env.get(k.env()) != null) {
                s.put(k.name, env.get(k.env()), "env " + k.env());
            } else if (file.containsKey(k.name)) {
                s.put(k.name, file.get(k.name), "file " + path);
            } else {
                s.put(k.name, k.defaultValue, "default");
            }
        }
        return s;
    }

    private void put(String key, String value, String source) {
        values.put(key, value);
        sources.put(key, source);
    }

    String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no setting " + key);
        }
        return v;
    }

    boolean flag(String key) {
        String v = get(key).trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("1") || v.equals("yes")) {
            return true;
        }
        if (v.isEmpty() || v.equals("false") || v.equals("0") || v.equals("no")) {
            return false;
        }
        throw new ConfigException(key + ": '" + get(key) + "' is not true or false (" + sources.get(key) + ")");
    }

    int integer(String key) {
        try {
            return Integer.parseInt(get(key).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + get(key) + "' is not a number (" + sources.get(key) + ")");
        }
    }

    List<String> list(String key) {
        List<String> out = new ArrayList<>();
        for (String part : get(key).split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    Map<String, String> map(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : list(key)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(key + ": '" + part + "' is not key=value (" + sources.get(key) + ")");
            }
            out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return out;
    }

    String source(String key) {
        return sources.get(key);
    }

    /** @return one line per key: name, value, where it came from; secrets masked */
    String describe() {
        StringBuilder sb = new StringBuilder();
        for (Key k : KEYS) {
            String v = values.get(k.name);
            if ((k.name.equals("keys") || k.name.equals("rpc-token")) && !v.isEmpty()) {
                v = "(set)";
            }
            sb.append(String.format(Locale.ROOT, "%-14s %-28s %s%n", k.name, v.isEmpty() ? "\"\"" : v, sources.get(k.name)));
        }
        return sb.toString();
    }

    /** A malformed configuration: the message names the file, line and key. */
    static final class ConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message);
        }
    }

    static Map<String, String> readFile(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + path + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("config file " + path + " cannot be read: " + e.getMessage());
        }
        Optional<Node> root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(path.toString()).build();
            Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text)));
            root = composer.getSingleNode();
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            throw new ConfigException("config file " + path + " line " + line + ": " + e.getProblem());
        } catch (RuntimeException e) {
            throw new ConfigException("config file " + path + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root.isEmpty()) {
            return out;
        }
        if (!(root.get() instanceof MappingNode mapping)) {
            throw new ConfigException("config file " + path + " line " + line(root.get()) + ": expected key: value pairs");
        }
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode keyNode)) {
                throw new ConfigException("config file " + path + " line " + line(t.getKeyNode()) + ": a key must be a plain name");
            }
            String key = keyNode.getValue();
            if (KEYS.stream().noneMatch(k -> k.name.equals(key))) {
                throw new ConfigException("config file " + path + " line " + line(keyNode) + ": unknown key '" + key
                        + "' (known: " + String.join(", ", KEYS.stream().map(Key::name).toList()) + ")");
            }
            out.put(key, scalar(path, key, t.getValueNode()));
        }
        return out;
    }

    private static String scalar(Path path, String key, Node value) {
        if (value instanceof ScalarNode s) {
            return s.getValue();
        }
        if (value instanceof SequenceNode seq) {
            List<String> parts = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s)) {
                    throw new ConfigException("config file " + path + " line " + line(item) + ": key '" + key + "': list items must be plain values");
                }
                parts.add(s.getValue());
            }
            return String.join(",", parts);
        }
        if (value instanceof MappingNode m && key.equals("metadata")) {
            List<String> parts = new ArrayList<>();
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k) || !(t.getValueNode() instanceof ScalarNode v)) {
                    throw new ConfigException("config file " + path + " line " + line(t.getKeyNode()) + ": key 'metadata': entries must be plain key: value");
                }
                parts.add(k.getValue() + "=" + v.getValue());
            }
            return String.join(",", parts);
        }
        throw new ConfigException("config file " + path + " line " + line(value) + ": key '" + key + "': expected a plain value");
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }
}
