package io.tamtam.internal;

import io.tamtam.ClusterConfig;
import io.tamtam.internal.membership.MemberTable;
import io.tamtam.spi.NanoClock;
import io.tamtam.spi.Scheduler;

import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * What every protocol part of one node shares. Protocol parts run on the scheduler's thread only.
 *
 * @param config    configuration
 * @param selfId    this node's id
 * @param clock     protocol clock
 * @param scheduler protocol scheduler
 * @param random    protocol randomness (protocol thread only)
 * @param table     members
 * @param outbox    sending
 * @param stats     counters
 */
public record Context(
        ClusterConfig config,
        UUID selfId,
        NanoClock clock,
        Scheduler scheduler,
        RandomGenerator random,
        MemberTable table,
        Outbox outbox,
        Stats stats) {

    /** @return the clock's current time in nanoseconds */
    public long now() {
        return clock.nanoTime();
    }
}
