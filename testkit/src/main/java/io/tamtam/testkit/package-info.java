/**
 * A deterministic simulated network for testing code built on TamTam: many real cluster nodes in one
 * thread, in virtual time, over in-memory transports with loss, latency, jitter, partitions, stalls and
 * crashes. A minute of cluster life takes milliseconds, nothing sleeps, and a seed replays a run exactly.
 *
 * <h2>Use it in your tests</h2>
 * Add {@code io.tamtam:tamtam-testkit} with test scope, then:
 *
 * <pre>{@code
 * @Test
 * void ordersReachEveryReplica() {
 *     try (SimNetwork net = SimNetwork.builder().seed(7).loss(0.02).build()) {
 *         List<SimNode> nodes = net.addNodes(10);
 *         List<String> seen = new ArrayList<>();
 *         for (SimNode n : nodes) {
 *             // your code under test registers its handlers on n.cluster()
 *             n.cluster().handle(MessageType.of(300, String.class), p -> seen.add(p.payload()));
 *             if (n != nodes.get(0)) {
 *                 n.cluster().join(nodes.get(0).address());
 *             }
 *         }
 *         assertTrue(net.runUntil(net::converged, Duration.ofSeconds(30)), "membership agrees");
 *
 *         nodes.get(3).cluster().broadcast(300, "order-1");
 *         assertTrue(net.runUntil(() -> seen.size() >= 9, Duration.ofSeconds(10)));
 *
 *         net.partition(nodes.subList(0, 5), nodes.subList(5, 10));   // split brain
 *         net.runFor(Duration.ofSeconds(20));
 *         net.heal();
 *         assertTrue(net.runUntil(net::converged, Duration.ofMinutes(3)), "membership merges again");
 *         assertEquals(List.of(), net.failures());
 *     }
 * }
 * }</pre>
 *
 * <h2>Rules of the simulation</h2>
 * <ul>
 *   <li>Drive the network ({@link io.tamtam.testkit.SimNetwork#runFor runFor},
 *       {@link io.tamtam.testkit.SimNetwork#runUntil runUntil}) and call the clusters from the thread that
 *       created it. Futures of the clusters complete while the network runs: run it until
 *       {@code future.isDone()} rather than calling {@code join()} on them, which would wait forever.</li>
 *   <li>Listeners, message handlers and future callbacks run inline on that thread, in virtual time; they
 *       must not block. A stream handler must hand its stream to another thread before reading it.</li>
 *   <li>Streams are the one thing outside virtual time: their bytes move between real threads.</li>
 *   <li>A node is stalled with {@link io.tamtam.testkit.SimNode#pause()} and killed with
 *       {@link io.tamtam.testkit.SimNode#crash()}; links get loss, latency and jitter through
 *       {@link io.tamtam.testkit.SimNetwork#link link} and
 *       {@link io.tamtam.testkit.SimNetwork#linkBoth linkBoth}; whole groups are cut off with
 *       {@link io.tamtam.testkit.SimNetwork#partition partition}.</li>
 *   <li>A task that throws is recorded in {@link io.tamtam.testkit.SimNetwork#failures()}; assert it is
 *       empty at the end of a test.</li>
 *   <li>Same seed, same steps, same result: {@link io.tamtam.testkit.SimNetwork#trace()} lists every
 *       membership event of every node, so two runs can be compared line by line.</li>
 * </ul>
 *
 * <p>To inject faults into real nodes on real sockets instead, see {@link io.tamtam.testkit.faults}.
 */
package io.tamtam.testkit;
