package io.tamtam.testkit;

import io.tamtam.DropReason;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded big run: 10,000 endpoints, each pinging a random peer every 200 virtual ms for 10 virtual
 * seconds, every ping answered. Prints the loop's throughput; asserts only the traffic adds up.
 */
class LoopThroughputTest {

    private static final int NODES = 10_000;
    private static final long PERIOD = Duration.ofMillis(200).toNanos();

    @Test
    void tenThousandNodesPingPong() throws IOException {
        SimNetwork net = SimNetwork.builder().seed(3).build();
        List<SimNode> nodes = new ArrayList<>(NODES);
        List<SimDatagramTransport> transports = new ArrayList<>(NODES);
        long[] pings = new long[2];   // sent, received (each answered at once)
        long[] pongs = new long[1];   // received
        for (int i = 0; i < NODES; i++) {
            SimNode n = net.addBareNode();
            SimDatagramTransport t = new SimDatagramTransport(net, n, Endpoint.OPTIONS);
            ByteBuffer pong = ByteBuffer.wrap(new byte[] {1});
            t.bind(n.address(), (from, d) -> {
                if (d.get(0) == 0) {
                    pings[1]++;
                    t.send(from, pong);
                } else {
                    pongs[0]++;
                }
            });
            new SimStreamTransport(net, n, Endpoint.OPTIONS).bind(n.address(), new NoStreams());
            nodes.add(n);
            transports.add(t);
        }
        Random random = new Random(5);
        for (int i = 0; i < NODES; i++) {
            SimNode n = nodes.get(i);
            SimDatagramTransport t = transports.get(i);
            ByteBuffer ping = ByteBuffer.wrap(new byte[64]);
            Runnable[] tick = new Runnable[1];
            tick[0] = () -> {
                pings[0]++;
                t.send(nodes.get(random.nextInt(NODES)).address(), ping);
                n.scheduler().schedule(tick[0], PERIOD);
            };
            n.scheduler().schedule(tick[0], random.nextInt((int) PERIOD));
        }

        long wallStart = System.nanoTime();
        long tasksBefore = net.scheduler().tasksRun();
        net.runFor(Duration.ofSeconds(10));
        long tasks = net.scheduler().tasksRun() - tasksBefore;
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;

        SimCounters c = net.counters();
        System.out.printf("loop throughput: %,d tasks in %.2f s wall = %,.0f tasks/s (%,d datagrams)%n",
                tasks, wallSeconds, tasks / wallSeconds, c.datagramsSent());
        assertTrue(pings[0] >= NODES * 50L, "every node pinged every 200 ms: " + pings[0]);
        assertEquals(pings[0] + pings[1], c.datagramsSent(), "pings and pongs");
        assertEquals(pings[1] + pongs[0], c.datagramsReceived());
        assertTrue(pings[0] - pings[1] <= NODES, "only pings of the last millisecond in flight");
        assertTrue(pings[1] - pongs[0] <= NODES, "only pongs of the last millisecond in flight");
        assertEquals(List.of(), net.failures());
    }

    private static final class NoStreams implements StreamTransport.Listener {
        @Override
        public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
        }

        @Override
        public void onStream(StreamChannel stream) {
            stream.close();
        }

        @Override
        public void onDropped(InetSocketAddress remote, DropReason reason) {
        }
    }
}
