package io.tamtam.transport.websocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import static org.awaitility.Awaitility.await;

/**
 * A real nginx process forwarding WebSocket upgrades on one path, one listen port per backend. Stopped by
 * {@link #close()}. When nginx cannot run, the test fails if {@code TAMTAM_FAULTS_REQUIRED=1} (as in CI)
 * and is skipped with the reason otherwise.
 */
final class Nginx implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final Path dir;

    private Nginx(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** @return a free loopback port, for nginx to listen on */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * @param dir      a fresh directory for the configuration, logs and temporary files
     * @param path     the WebSocket path to forward
     * @param listen   the ports nginx listens on, on 127.0.0.1
     * @param backends for each listen port, the backend it forwards to
     * @return the running proxy, accepting on every listen port
     */
    static Nginx start(Path dir, String path, List<Integer> listen, List<InetSocketAddress> backends) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            unavailable("nginx is not installed at " + BINARY + " (apt-get install nginx)");
        }
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < listen.size(); i++) {
            InetSocketAddress b = backends.get(i);
            servers.append("""
                      server {
                        listen 127.0.0.1:%d;
                        location = %s {
                          proxy_pass http://%s:%d;
                          proxy_http_version 1.1;
                          proxy_set_header Upgrade $http_upgrade;
                          proxy_set_header Connection "upgrade";
                          proxy_read_timeout 600s;
                          proxy_send_timeout 600s;
                          proxy_buffering off;
                        }
                      }
                    """.formatted(listen.get(i), path, b.getHostString(), b.getPort()));
        }
        String conf = """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                %2$s}
                """.formatted(dir.toAbsolutePath(), servers);
        Files.createDirectories(dir);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(BINARY.toString(), "-p", dir.toAbsolutePath().toString(), "-c",
                confFile.toAbsolutePath().toString(), "-e", dir.resolve("error.log").toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        Nginx nginx = new Nginx(p, dir);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> !p.isAlive() || listening(listen));
        } catch (RuntimeException e) {
            nginx.close();
            throw e;
        }
        if (!p.isAlive()) {
            String log = Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "";
            nginx.close();
            unavailable("nginx exited with " + p.exitValue() + " at start: " + log.strip() + " "
                    + Files.readString(dir.resolve("stdout.log")).strip());
        }
        return nginx;
    }

    private static boolean listening(List<Integer> ports) {
        for (int port : ports) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static void unavailable(String why) {
        if ("1".equals(System.getenv("TAMTAM_FAULTS_REQUIRED"))) {
            Assertions.fail("cannot run nginx, which this test needs: " + why);
        }
        Assumptions.abort("cannot run nginx, skipping: " + why);
    }

    /** @return nginx's error log so far */
    String errorLog() throws IOException {
        Path log = dir.resolve("error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
