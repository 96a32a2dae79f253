package io.tamtam.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

    @Test
    void flagsBeatEnvironmentBeatFileBeatDefaults(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve(".tamtam.yaml"), "rpc: file:1\nname: from-file\nhttp: file:2\njoin:\n  - 10.0.0.1:7946\n  - 10.0.0.2:7946\nmetadata:\n  role: web\n");
        Map<String, String> flags = new HashMap<>();
        flags.put("rpc", "flag:1");
        Settings s = Settings.resolve(flags, Map.of("TAMTAM_RPC", "env:1", "TAMTAM_NAME", "from-env"), null, home);
        assertEquals("flag:1", s.get("rpc"));
        assertEquals("flag", s.source("rpc"));
        assertEquals("from-env", s.get("name"));
        assertEquals("env TAMTAM_NAME", s.source("name"));
        assertEquals("file:2", s.get("http"));
        assertEquals("10.0.0.1:7946,10.0.0.2:7946", s.get("join"));
        assertEquals(Map.of("role", "web"), s.map("metadata"));
        assertEquals("0.0.0.0:7946", s.get("bind"));
        assertEquals("default", s.source("bind"));
        assertTrue(s.describe().lines().anyMatch(l -> l.matches("name\\s+from-env\\s+env TAMTAM_NAME")), s.describe());
    }

    @Test
    void printConfigThroughTheCli(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "nobanner: true\nexpect: 3\nkeys: c2VjcmV0LWtleS0xNi1ieXRlcw==\n");
        Cli cli = Cli.run(Map.of("TAMTAM_EXPECT", "5"), "--config", config.toString(), "--rpc", "127.0.0.1:7000", "agent", "--print-config");
        cli.ok();
        String out = cli.out();
        assertTrue(out.lines().anyMatch(l -> l.matches("rpc\\s+127\\.0\\.0\\.1:7000\\s+flag")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("expect\\s+5\\s+env TAMTAM_EXPECT")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("nobanner\\s+true\\s+file " + config.toString().replace(".", "\\."))), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("keys\\s+\\(set\\)\\s+file .*")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("bind\\s+0\\.0\\.0\\.0:7946\\s+default")), out);
    }

    @Test
    void labelFromFlagEnvironmentOrFileShownByPrintConfig(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "label: from-file\n");
        Cli file = Cli.run(Map.of(), "--config", config.toString(), "agent", "--print-config").ok();
        assertTrue(file.out().lines().anyMatch(l -> l.matches("label\\s+from-file\\s+file " + config.toString().replace(".", "\\."))), file.out());
        Cli env = Cli.run(Map.of("TAMTAM_LABEL", "from-env"), "--config", config.toString(), "agent", "--print-config").ok();
        assertTrue(env.out().lines().anyMatch(l -> l.matches("label\\s+from-env\\s+env TAMTAM_LABEL")), env.out());
        Cli flag = Cli.run(Map.of("TAMTAM_LABEL", "from-env"), "--config", config.toString(), "agent", "--label", "blue", "--print-config").ok();
        assertTrue(flag.out().lines().anyMatch(l -> l.matches("label\\s+blue\\s+flag")), flag.out());
        Settings none = Settings.resolve(Map.of(), Map.of(), null, dir.resolve("no-home"));
        assertEquals("", none.get("label"));
        assertEquals("default", none.source("label"));

        // a label longer than 255 UTF-8 bytes stops the agent with one line
        Cli tooLong = Cli.run(Map.of(), "--rpc", "127.0.0.1:0", "--nobanner", "agent", "--bind", "127.0.0.1:0", "--http", "off",
                "--label", "x".repeat(256));
        assertEquals(1, tooLong.exit(), tooLong.out());
        assertEquals("tamtam agent: label: at most 255 UTF-8 bytes, got 256", tooLong.err().trim());
    }

    @Test
    void noCommandPrintsUsageAndExitsWithTheUsageCode() {
        Cli none = Cli.run();
        assertEquals(Main.EXIT_USAGE, none.exit());
        assertTrue(none.err().startsWith("Usage: tamtam "), none.err());
        assertTrue(none.err().contains("healthy") && none.err().contains("gendoc"), none.err());
        Cli help = Cli.run("--help").ok();
        assertTrue(help.out().startsWith("Usage: tamtam "), help.out());
    }

    @Test
    void malformedFilesNameFileLineAndKey(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.yaml");
        Files.writeString(f, "rpc: a:1\n\nbogus: 1\n");
        Settings.ConfigException e = assertThrows(Settings.ConfigException.class, () -> Settings.readFile(f));
        assertTrue(e.getMessage().startsWith("config file " + f + " line 3: unknown key 'bogus'"), e.getMessage());

        Files.writeString(f, "rpc: a:1\nname:\n  nested: map\n");
        e = assertThrows(Settings.ConfigException.class, () -> Settings.readFile(f));
        assertEquals("config file " + f + " line 3: key 'name': expected a plain value", e.getMessage());

        Files.writeString(f, "rpc: [unclosed\n");
        e = assertThrows(Settings.ConfigException.class, () -> Settings.readFile(f));
        assertTrue(e.getMessage().startsWith("config file " + f + " line 2: "), e.getMessage());

        Files.writeString(f, "- just\n- a list\n");
        e = assertThrows(Settings.ConfigException.class, () -> Settings.readFile(f));
        assertEquals("config file " + f + " line 1: expected key: value pairs", e.getMessage());

        e = assertThrows(Settings.ConfigException.class, () -> Settings.readFile(dir.resolve("missing.yaml")));
        assertEquals("config file " + dir.resolve("missing.yaml") + " does not exist", e.getMessage());

        Settings s = Settings.resolve(Map.of("expect", "many"), Map.of(), null, dir);
        e = assertThrows(Settings.ConfigException.class, () -> s.integer("expect"));
        assertEquals("expect: 'many' is not a number (flag)", e.getMessage());
    }
}
