package io.tamtam.agent;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three agent processes on loopback, driven through every command of the CLI; their HTTP servers scraped
 * and given malformed requests; the dashboard in headless Chromium, which shows a member DEAD once its
 * agent process is killed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentProcessesTest {
    static final Duration LONG = Duration.ofSeconds(90);
    static final Path LOGS = Path.of("target", "agent-processes");
    static AgentProcess a;
    static AgentProcess b;
    static AgentProcess c;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startAgents() throws Exception {
        Files.createDirectories(LOGS);
        // every agent encrypts with key 1 and carries the cluster label "blue"
        a = AgentProcess.start("alpha", LOGS, "--meta", "role=web", "--key", TestKeys.base64(1), "--label", "blue");
        b = AgentProcess.start("bravo", LOGS, "--meta", "role=db", "--key", TestKeys.base64(1), "--label", "blue");
        c = AgentProcess.start("charlie", LOGS, "--key", TestKeys.base64(1), "--label", "blue");
        a.awaitStarted();
        b.awaitStarted();
        c.awaitStarted();
    }

    @AfterAll
    static void stopAgents() throws Exception {
        for (AgentProcess p : new AgentProcess[] {a, b, c}) {
            if (p != null) {
                p.close();
            }
        }
    }

    static Cli cli(AgentProcess agent, String... args) {
        List<String> all = new ArrayList<>(List.of("--rpc", agent.rpc));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void joinNodesHealthy() {
        Cli join = cli(a, "join", b.gossip, c.gossip).ok();
        assertTrue(join.out().startsWith("joined through 127.0.0.1:"), join.out());

        // Each node learns of the others on its own time: wait until every one sees all three.
        for (AgentProcess x : List.of(a, b, c)) {
            await().atMost(LONG).untilAsserted(() -> {
                Cli nodes = cli(x, "nodes").ok();
                assertEquals(4, nodes.out().lines().count(), nodes.out());
                assertEquals(3, nodes.out().lines().filter(l -> l.contains(" ALIVE ")).count(), nodes.out());
            });
        }
        Cli nodes = cli(a, "nodes").ok();
        List<String> lines = nodes.out().lines().toList();
        assertTrue(lines.get(0).matches("NAME\\s+ADDRESS\\s+STATE\\s+INCARNATION\\s+ID\\s+METADATA"), lines.get(0));
        assertTrue(lines.get(1).matches("alpha \\*\\s+127\\.0\\.0\\.1:\\d+\\s+ALIVE\\s+\\d+\\s+[0-9a-f-]{36}\\s+role=web"), lines.get(1));
        assertTrue(lines.get(2).matches("bravo\\s+" + b.gossip.replace(".", "\\.") + "\\s+ALIVE\\s+\\d+\\s+[0-9a-f-]{36}\\s+role=db"), lines.get(2));
        assertTrue(lines.get(3).matches("charlie\\s+127\\.0\\.0\\.1:\\d+\\s+ALIVE\\s+\\d+\\s+[0-9a-f-]{36}"), lines.get(3));

        String json = cli(a, "nodes", "--json").ok().out().trim();
        assertTrue(json.startsWith("[{\"id\":\"") && json.endsWith("}]"), json);
        assertTrue(json.contains("\"name\":\"bravo\"") && json.contains("\"metadata\":{\"name\":\"bravo\",\"role\":\"db\"}"), json);
        assertEquals(3, json.split("\"state\":\"ALIVE\"", -1).length - 1, json);
        assertEquals(1, cli(a, "nodes", "--json", "--state", "alive").ok().out().split("\"local\":true", -1).length - 1);

        Cli healthy = cli(b, "healthy", "--min", "3").ok();
        assertTrue(healthy.out().contains("healthy: 3 alive (min 3), 0 suspect"), healthy.out());
        Cli unhealthy = cli(b, "healthy", "--min", "4");
        assertEquals(Main.EXIT_UNHEALTHY, unhealthy.exit(), unhealthy.out() + unhealthy.err());
        assertTrue(unhealthy.out().contains("unhealthy: 3 alive (min 4)"), unhealthy.out());
    }

    @Test
    @Order(2)
    void pingRequestAddressVersionStats() {
        Cli ping = cli(a, "ping", "bravo", "--count", "2").ok();
        List<String> lines = ping.out().lines().toList();
        assertEquals(2, lines.size(), ping.out());
        assertTrue(lines.get(0).matches("reply from bravo \\([0-9a-f-]{36}\\): time=[0-9.]+ ms, .*"), lines.get(0));

        assertEquals("echo me", cli(a, "request", "charlie", "echo me").ok().out().trim());

        assertEquals(a.gossip, cli(a, "address").ok().out().lines().findFirst().orElseThrow());

        assertTrue(cli(a, "version").ok().out().matches("tamtam \\S+ \\(java .*\\)\\s*"));
        Cli v = cli(a, "version", "--agent").ok();
        assertTrue(v.out().contains("agent ") && v.out().contains("node alpha"), v.out());

        Cli stats = cli(a, "stats").ok();
        assertTrue(stats.out().lines().anyMatch(l -> l.matches("members_alive\\s+3")), stats.out());
        assertTrue(cli(a, "stats", "--json").ok().out().contains("\"members_alive\":3"));
    }

    @Test
    @Order(3)
    void broadcastSendAndStream() throws Exception {
        // stream on bravo until it got one broadcast; broadcast from alpha until one arrives
        CompletableFuture<Cli> stream = CompletableFuture.supplyAsync(() -> cli(b, "stream", "--count", "1", "--from"));
        AtomicInteger n = new AtomicInteger();
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Cli sent = cli(a, "broadcast", "hello " + n.incrementAndGet()).ok();
            assertTrue(sent.out().startsWith("broadcast "), sent.out());
            return stream.isDone();
        });
        Cli got = stream.get(30, TimeUnit.SECONDS).ok();
        assertTrue(got.out().trim().matches("alpha 1000: hello \\d+"), got.out());

        // a payload from a file, sent reliably to charlie, streamed as JSON
        Path payload = Files.createTempFile("tamtam-payload", ".txt");
        try {
            Files.writeString(payload, "line one\nline two");
            CompletableFuture<Cli> json = CompletableFuture.supplyAsync(() -> cli(c, "stream", "--count", "1", "--json"));
            await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> {
                Cli sent = cli(a, "send", "charlie", "--file", payload.toString(), "--reliable").ok();
                assertTrue(sent.out().matches("sent 17 bytes of type 1000 to [0-9a-f-]{36} \\(delivered\\)\\s*"), sent.out());
                return json.isDone();
            });
            String line = json.get(30, TimeUnit.SECONDS).ok().out().trim();
            assertTrue(line.contains("\"kind\":\"message\"") && line.contains("\"from\":\"alpha\"")
                    && line.contains("\"text\":\"line one\\nline two\""), line);
        } finally {
            Files.deleteIfExists(payload);
        }
    }

    @Test
    @Order(4)
    void monitorConfigureMetadata() throws Exception {
        CompletableFuture<Cli> monitor = CompletableFuture.supplyAsync(() -> cli(a, "monitor", "--count", "3"));
        // the monitor prints the 3 current members first; then the change below
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> {
            cli(b, "metadata", "set", "zone", "z" + System.nanoTime()).ok();
            return monitor.isDone();
        });
        List<String> lines = monitor.get(30, TimeUnit.SECONDS).ok().out().lines().toList();
        assertEquals(3, lines.stream().filter(l -> l.contains(" SNAPSHOT ")).count(), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\S+ UPDATED  bravo 127\\.0\\.0\\.1:\\d+ ALIVE incarnation \\d+ \\(metadata_changed\\)")),
                String.join("\n", lines));

        Cli conf = cli(c, "configure", "--log-level", "debug", "--meta", "rack=r7").ok();
        assertTrue(conf.out().contains("log level debug") && conf.out().contains("metadata rack=r7"), conf.out());
        await().atMost(LONG).untilAsserted(() -> assertEquals("r7", cli(a, "metadata", "get", "rack", "--node", "charlie").ok().out().trim()));
        assertTrue(cli(c, "metadata", "get").ok().out().contains("rack=r7\n"));
        cli(c, "metadata", "remove", "rack").ok();
        Cli missing = cli(c, "metadata", "get", "rack");
        assertEquals(1, missing.exit());
        assertEquals("tamtam get: node charlie has no metadata 'rack'", missing.err().trim());
    }

    @Test
    @Order(5)
    void gendocAndCompletion(@TempDir Path dir) throws Exception {
        Cli gen = Cli.run("gendoc", "--dir", dir.toString()).ok();
        assertTrue(gen.out().startsWith("wrote "), gen.out());
        String md = Files.readString(dir.resolve("tamtam_ping.md"));
        assertTrue(md.startsWith("## tamtam ping") && md.contains("Usage: tamtam ping"), md);
        String man = Files.readString(dir.resolve("tamtam-metadata-set.1"));
        assertTrue(man.startsWith(".TH \"TAMTAM-METADATA-SET\" 1") && man.contains(".SH SYNOPSIS"), man);
        assertTrue(Cli.run("completion").ok().out().contains("complete -F"));
    }

    /** The rows of a keys report whose node acknowledged and holds exactly these keys, primary first. */
    static long rowsHolding(Cli keys, String... fingerprints) {
        return keys.out().lines().filter(l -> l.matches("(alpha|bravo|charlie)( \\*)?\\s+ok\\s+" + String.join(",", fingerprints))).count();
    }

    @Test
    @Order(5)
    void keysRotateOnEveryAgent() {
        String fp1 = TestKeys.fingerprint(1);
        String fp2 = TestKeys.fingerprint(2);
        Cli list = cli(a, "keys", "list").ok();
        List<String> lines = list.out().lines().toList();
        assertEquals("list: 3 of 3 nodes answered", lines.get(0), list.out());
        assertTrue(lines.get(1).matches("NODE\\s+RESULT\\s+KEYS \\(PRIMARY FIRST\\)"), lines.get(1));
        assertTrue(lines.get(2).matches("alpha \\*\\s+ok\\s+" + fp1), lines.get(2));
        assertTrue(lines.get(3).matches("bravo\\s+ok\\s+" + fp1), lines.get(3));
        assertTrue(lines.get(4).matches("charlie\\s+ok\\s+" + fp1), lines.get(4));
        assertTrue(lines.get(5).matches("KEY\\s+NODES\\s+PRIMARY ON"), lines.get(5));
        assertTrue(lines.get(6).matches(fp1 + "\\s+3/3\\s+3"), lines.get(6));
        assertEquals(7, lines.size(), list.out());

        // install, use, remove: each through another agent, each complete on all three before the next
        Cli install = cli(b, "keys", "install", TestKeys.base64(2)).ok();
        assertEquals("install " + fp2 + ": 3 of 3 nodes acknowledged", install.out().lines().findFirst().orElseThrow());
        assertEquals(3, rowsHolding(install, fp1, fp2), install.out());
        assertTrue(install.out().lines().anyMatch(l -> l.matches(fp2 + "\\s+3/3\\s+0")), install.out());

        Cli use = cli(c, "keys", "use", TestKeys.base64(2)).ok();
        assertEquals(3, rowsHolding(use, fp2, fp1), use.out());
        assertTrue(use.out().lines().anyMatch(l -> l.matches(fp2 + "\\s+3/3\\s+3")), use.out());

        Cli primary = cli(a, "keys", "remove", TestKeys.base64(2));
        assertEquals(1, primary.exit(), primary.out());
        assertEquals("tamtam remove: key " + fp2 + " is the primary key: switch to another one with 'tamtam keys use' first, then remove it",
                primary.err().trim());

        Cli remove = cli(a, "keys", "remove", TestKeys.base64(1)).ok();
        assertEquals(3, rowsHolding(remove, fp2), remove.out());
        assertTrue(remove.out().lines().noneMatch(l -> l.startsWith(fp1)), remove.out());
        assertEquals(3, rowsHolding(cli(b, "keys", "list").ok(), fp2));
        String json = cli(b, "keys", "list", "--json").ok().out().trim();
        assertTrue(json.startsWith("{\"operation\":\"list\",\"fingerprint\":\"\",\"nodes\":3,\"failed\":0,\"node_keys\":[{\"id\":\""), json);
        assertEquals(3, json.split("\"acknowledged\":true,\"error\":\"\",\"keys\":\\[\"" + fp2 + "\"\\]", -1).length - 1, json);

        // the cluster runs on the new key: every member alive, a request answered
        assertTrue(cli(a, "healthy", "--min", "3").ok().out().contains("healthy: 3 alive (min 3), 0 suspect"));
        assertEquals("after the rotation", cli(b, "request", "alpha", "after the rotation").ok().out().trim());

        Cli notBase64 = cli(a, "keys", "install", "not*base64");
        assertEquals(1, notBase64.exit());
        assertEquals("tamtam install: KEY is not base64: give the key as for 'tamtam agent --key'", notBase64.err().trim());
        Cli shortKey = cli(a, "keys", "install", "AAAAAAA=");
        assertEquals(1, shortKey.exit());
        assertEquals(1, shortKey.err().lines().count(), shortKey.err());
        assertTrue(shortKey.err().startsWith("tamtam install: "), shortKey.err());
        Cli noSubcommand = cli(a, "keys");
        assertEquals(Main.EXIT_USAGE, noSubcommand.exit());
        assertTrue(noSubcommand.err().startsWith("tamtam keys: give a subcommand: list, install, use or remove"), noSubcommand.err());
    }

    @Test
    @Order(6)
    void anAgentWithAnotherLabelDoesNotJoin() throws Exception {
        // the same key as the cluster's (key 2 after the rotation above), another label
        Settings settings = Settings.resolve(Map.of("rpc", "127.0.0.1:0", "bind", "127.0.0.1:0", "http", "off", "name", "green",
                "profile", "local", "keys", TestKeys.base64(2), "label", "green"), Map.of(), null, Path.of("/nonexistent-home"));
        double before = PrometheusText.parse(get(a, "/metrics").body()).get("tamtam_dropped_total{reason=\"label_mismatch\"}");
        try (AgentServer green = new AgentServer(settings, new AgentLog(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                AgentLog.Level.WARN))) {
            Cli join = Cli.run("--rpc", Addresses.format(green.rpcAddress()), "join", a.gossip);
            assertEquals(1, join.exit(), join.out());
            assertEquals(1, join.err().lines().count(), join.err());
            assertTrue(join.err().startsWith("tamtam join: ") && join.err().contains("cluster label \"green\""), join.err());
            // each seed's failure once: the join's message names it, its suppressed cause is not repeated
            assertEquals(2, join.err().split("cluster label \"green\"", -1).length, join.err());
            await().atMost(LONG).until(() -> PrometheusText.parse(get(a, "/metrics").body())
                    .get("tamtam_dropped_total{reason=\"label_mismatch\"}") > before);
            assertTrue(cli(a, "nodes").ok().out().lines().noneMatch(l -> l.startsWith("green")));
            assertEquals(1, green.cluster.memberCount());
        }
    }

    @Test
    @Order(6)
    void badInputIsOneLineAndNonZero(@TempDir Path dir) throws Exception {
        Cli unknown = cli(a, "ping", "nobody");
        assertEquals(1, unknown.exit());
        assertEquals("tamtam ping: unknown node 'nobody': not a member id, name or address this agent knows", unknown.err().trim());

        Cli noAgent = Cli.run("--rpc", "127.0.0.1:1", "nodes");
        assertEquals(1, noAgent.exit());
        assertEquals(1, noAgent.err().lines().count(), noAgent.err());
        assertTrue(noAgent.err().startsWith("tamtam nodes: no agent answers on 127.0.0.1:1 (--rpc)"), noAgent.err());

        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "rpc: localhost:6262\nverbose: true\nrcp: oops\n");
        Cli badKey = Cli.run("--config", config.toString(), "nodes");
        assertEquals(1, badKey.exit());
        assertTrue(badKey.err().trim().startsWith("tamtam nodes: config file " + config + " line 3: unknown key 'rcp'"), badKey.err());
        assertEquals(1, badKey.err().lines().count());

        Files.writeString(config, "rpc: localhost:6262\nmetadata: [a, {b: c}\n");
        Cli badYaml = Cli.run("--config", config.toString(), "nodes");
        assertEquals(1, badYaml.exit());
        assertTrue(badYaml.err().matches("tamtam nodes: config file " + config.toString().replace(".", "\\.") + " line \\d+: .*\\s*"), badYaml.err());

        Cli usage = Cli.run("nodes", "--no-such-flag");
        assertEquals(Main.EXIT_USAGE, usage.exit());
        assertEquals(1, usage.err().lines().count(), usage.err());

        Cli noPayload = cli(a, "broadcast");
        assertEquals(1, noPayload.exit());
        assertEquals("tamtam broadcast: give exactly one payload: a MESSAGE argument, --file FILE, or --stdin", noPayload.err().trim());

        Cli badAddress = cli(a, "join", "not-an-address");
        assertEquals(1, badAddress.exit());
        assertEquals("tamtam join: join address 'not-an-address' is not host:port", badAddress.err().trim());

        // the same process, started as a separate JVM: exit code and one line
        Process p = new ProcessBuilder(AgentProcess.javaCommand("--rpc", a.rpc, "send", "nobody", "x")).redirectErrorStream(false).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("tamtam send: unknown node 'nobody': not a member id, name or address this agent knows", err.trim());
    }

    static HttpResponse<String> get(AgentProcess agent, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(agent.http + path.substring(1))).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(7)
    void httpHealthMetricsApiAndMalformedRequests() throws Exception {
        assertEquals(200, get(a, "/health/live").statusCode());
        HttpResponse<String> ready = get(a, "/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());

        HttpResponse<String> metrics = get(a, "/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        Map<String, Double> samples = PrometheusText.parse(metrics.body());
        assertEquals(3.0, samples.get("tamtam_members{state=\"alive\"}"), metrics.body());
        assertTrue(samples.get("tamtam_packets_received_total{path=\"datagram\"}") > 0);
        assertTrue(samples.containsKey("tamtam_dropped_total{reason=\"malformed\"}"));
        assertTrue(samples.get("tamtam_broadcasts_originated_total") >= 1);

        HttpResponse<String> members = get(a, "/api/v1/members?state=alive");
        assertEquals(200, members.statusCode());
        assertEquals(3, members.body().split("\"state\":\"ALIVE\"", -1).length - 1, members.body());
        HttpResponse<String> one = get(a, "/api/v1/members/bravo");
        assertTrue(one.body().contains("\"name\":\"bravo\""), one.body());

        HttpResponse<String> notFound = get(a, "/api/v1/members/nobody");
        assertEquals(404, notFound.statusCode());
        assertTrue(notFound.body().startsWith("{\"error\":\"unknown node 'nobody'"), notFound.body());
        HttpResponse<String> badState = get(a, "/api/v1/members?state=zombie");
        assertEquals(400, badState.statusCode());
        assertEquals("{\"error\":\"state 'zombie' is not one of alive, suspect, dead, left\"}", badState.body());
        assertEquals(404, get(a, "/no/such/path").statusCode());
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(a.http + "api/v1/members"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"garbage")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertTrue(post.body().contains("use GET"), post.body());
        // a request line that is not HTTP
        URI base = URI.create(a.http);
        try (java.net.Socket raw = new java.net.Socket(base.getHost(), base.getPort())) {
            raw.setSoTimeout(30_000);
            raw.getOutputStream().write("\u0000\u0001 NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            raw.getOutputStream().flush();
            String status = new String(raw.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(status.isEmpty() || status.startsWith("HTTP/1.1 4"), status);
        }
        // still up
        assertEquals(200, get(a, "/health/live").statusCode());
        assertTrue(a.process.isAlive());
    }

    @Test
    @Order(8)
    void dashboardShowsMembersAndADeadOne() throws Exception {
        File chromium = new File("/usr/bin/chromium");
        File chromedriver = new File("/usr/bin/chromedriver");
        boolean required = "1".equals(System.getenv("TAMTAM_FAULTS_REQUIRED"));
        if (!required) {
            assumeTrue(chromium.canExecute() && chromedriver.canExecute(), "chromium and chromedriver are not installed");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.get(a.http);
            // the table is re-rendered as events arrive: an element found may be replaced before it is read
            await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
                assertEquals("3", driver.findElement(By.id("member-count")).getText());
                assertEquals(3, driver.findElements(By.cssSelector("#members tr[data-state='ALIVE']")).size());
            });
            await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
                WebElement row = driver.findElement(By.cssSelector("#members tr[data-name='bravo']"));
                assertTrue(row.getText().contains("ALIVE") && row.getText().contains("role=db"), row.getText());
            });

            // kill bravo's agent: no leave, so the others must detect it
            b.process.destroyForcibly();
            assertTrue(b.process.waitFor(30, TimeUnit.SECONDS));
            await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
                WebElement r = driver.findElement(By.cssSelector("#members tr[data-name='bravo']"));
                assertEquals("DEAD", r.getAttribute("data-state"));
                assertTrue(r.getText().contains("DEAD"), r.getText());
            });
            assertFalse(driver.findElements(By.cssSelector("#events li")).isEmpty());
            Path shot = Path.of("target", "dashboard.png");
            Files.write(shot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            assertTrue(Files.size(shot) > 1000);
            // the CLI agrees (until the DEAD member is forgotten, after the local profile's 15 s retention)
            Cli nodes = cli(a, "nodes").ok();
            assertTrue(nodes.out().lines().anyMatch(l -> l.matches("bravo\\s+\\S+\\s+DEAD\\s+.*"))
                    || nodes.out().lines().noneMatch(l -> l.startsWith("bravo ")), nodes.out());

            // the page's own rendering with 1,000 more members (entries added to its member map, as its
            // event stream would): every row is there, and the filter narrows them
            Object millis = driver.executeScript("const t0 = performance.now();"
                    + "for (let i = 0; i < 1000; i++) { const s = ['ALIVE', 'SUSPECT', 'DEAD', 'LEFT'][i % 4];"
                    + "  members.set('x' + i, {id: 'x' + i, name: 'node-' + String(i).padStart(4, '0'), address: '10.1.' + (i >> 8) + '.' + (i & 255) + ':7946',"
                    + "  state: s, incarnation: i, metadata: {zone: 'z' + (i % 7)}, rtt_p50_micros: 1000 + i, local: false}); }"
                    + "render(); return performance.now() - t0;");
            await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
                assertEquals(1003, driver.findElements(By.cssSelector("#members tr")).size());
                assertEquals("1003", driver.findElement(By.id("member-count")).getText());
            });
            driver.findElement(By.id("filter")).sendKeys("node-012");
            await().atMost(LONG).ignoreExceptions().untilAsserted(() -> assertEquals(10, driver.findElements(By.cssSelector("#members tr")).size()));
            System.out.println("dashboard: 1,003 members rendered in " + millis + " ms (headless Chromium)");
            Files.write(Path.of("target", "dashboard-1000.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } finally {
            driver.quit();
        }
        Cli healthy = cli(a, "healthy", "--min", "3");
        assertEquals(Main.EXIT_UNHEALTHY, healthy.exit(), healthy.out());
    }

    @Test
    @Order(9)
    void leaveStopsTheAgentAndOthersSeeLeft() throws Exception {
        Cli leave = cli(c, "leave").ok();
        assertEquals("left the cluster; the agent is stopping", leave.out().trim());
        assertTrue(c.process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, c.process.exitValue());
        assertTrue(c.stdout.contains("tamtam agent stopped"), c.stdout.toString());
        await().atMost(LONG).untilAsserted(() ->
                assertTrue(cli(a, "nodes").ok().out().lines().anyMatch(l -> l.matches("charlie\\s+\\S+\\s+LEFT\\s+.*"))));
    }
}
