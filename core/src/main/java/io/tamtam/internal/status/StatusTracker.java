package io.tamtam.internal.status;

import io.tamtam.NodeState;
import io.tamtam.Subscription;
import io.tamtam.internal.Context;
import io.tamtam.internal.runtime.ListenerLanes;
import io.tamtam.status.ClusterStatus;
import io.tamtam.status.Status;
import io.tamtam.status.StatusEvent;
import io.tamtam.status.StatusListener;

import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/** Tracks quorum and completeness; recomputed on the protocol thread after each membership change. */
public final class StatusTracker implements Status {
    private final Context ctx;
    private final ListenerLanes<StatusEvent> listeners;
    // protocol thread only
    private int configured;
    private int learned = 1;
    private boolean quorum;
    private boolean complete;
    private volatile ClusterStatus current = new ClusterStatus(1, true, 1, 1, true, true);

    /**
     * @param ctx       shared protocol parts
     * @param callbacks runs listeners
     * @param errors    reports listener failures
     */
    public StatusTracker(Context ctx, Executor callbacks, BiConsumer<String, Throwable> errors) {
        this.ctx = ctx;
        this.listeners = new ListenerLanes<>(callbacks, errors, "status listener");
        quorum = true;
        complete = true;
    }

    @Override
    public ClusterStatus current() {
        return current;
    }

    @Override
    public void expectSize(int nodes) {
        if (nodes < 0) {
            throw new IllegalArgumentException("expected size must be 0 (learn it) or positive, was " + nodes);
        }
        ctx.scheduler().execute(() -> {
            configured = nodes;
            recompute();
        });
    }

    @Override
    public Subscription addListener(StatusListener listener) {
        return listeners.add(listener::onEvent);
    }

    /** Recomputes the status from the member counts; protocol thread. */
    public void recompute() {
        int live = ctx.table().count(NodeState.ALIVE) + ctx.table().count(NodeState.SUSPECT);
        learned = Math.max(learned, live);
        int expected = configured > 0 ? configured : learned;
        int quorumSize = expected / 2 + 1;
        boolean q = live >= quorumSize;
        boolean c = live >= expected;
        ClusterStatus s = new ClusterStatus(expected, configured == 0, live, quorumSize, q, c);
        current = s;
        if (q != quorum) {
            quorum = q;
            listeners.fire(new StatusEvent(q ? StatusEvent.Type.QUORUM_UP : StatusEvent.Type.QUORUM_LOST, s));
        }
        if (c != complete) {
            complete = c;
            listeners.fire(new StatusEvent(c ? StatusEvent.Type.COMPLETE_UP : StatusEvent.Type.COMPLETE_LOST, s));
        }
    }

    /** @return events a status listener missed because it was too far behind */
    public long listenerEventsMissed() {
        return listeners.missed();
    }
}
