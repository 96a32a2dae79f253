package io.tamtam.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * A task of the simulated network that threw, or an error a simulated cluster reported to its error
 * handler. The event loop catches it, records it here and carries on,
 * so that a test can assert that nothing failed: {@code assertEquals(List.of(), network.failures())}.
 *
 * @param at    virtual time at which the task ran
 * @param node  short id of the node the task belonged to, or {@code "network"} for a network-level task;
 *              for an error a cluster reported to its error handler, the short id and the handler's
 *              context, such as {@code "3f9a0c1e membership listener"}
 * @param error what the task threw
 */
public record TaskFailure(Duration at, String node, Throwable error) {

    /**
     * @param at    virtual time at which the task ran
     * @param node  short id of the node, or {@code "network"}
     * @param error what the task threw
     */
    public TaskFailure {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(error, "error");
    }

    @Override
    public String toString() {
        return at.toMillis() + "ms " + node + ": " + error;
    }
}
