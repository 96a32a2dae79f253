package io.tamtam.testkit;

/**
 * Traffic counters of one simulated node, or of the whole network ({@link SimNetwork#counters()}, a
 * snapshot). Counted by the simulated transports: a datagram counts as sent when the node hands it to
 * the network, even if the network then loses it; stream bytes are not counted.
 *
 * <p>Threading: updated on the thread that drives the network; read them from that thread.
 */
public final class SimCounters {

    long datagramsSent;
    long datagramsReceived;
    long datagramsDropped;
    long framesSent;
    long framesReceived;
    long bytesSent;
    long bytesReceived;

    SimCounters() {
    }

    /** @return datagrams handed to the network, lost ones included */
    public long datagramsSent() {
        return datagramsSent;
    }

    /** @return datagrams delivered to the node's listener */
    public long datagramsReceived() {
        return datagramsReceived;
    }

    /**
     * @return datagrams this node sent that the network dropped: lost, partitioned, oversized, or sent to
     *         an address where nothing listens
     */
    public long datagramsDropped() {
        return datagramsDropped;
    }

    /** @return frames written on the stream path */
    public long framesSent() {
        return framesSent;
    }

    /** @return frames delivered to the node's listener */
    public long framesReceived() {
        return framesReceived;
    }

    /** @return datagrams plus frames sent */
    public long messagesSent() {
        return datagramsSent + framesSent;
    }

    /** @return bytes of datagrams and frames sent */
    public long bytesSent() {
        return bytesSent;
    }

    /** @return bytes of datagrams and frames delivered */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** @return a copy of the current values */
    public SimCounters snapshot() {
        SimCounters c = new SimCounters();
        c.add(this);
        return c;
    }

    /**
     * @param earlier a snapshot taken before
     * @return the difference, this minus {@code earlier}: the traffic of the window between them
     */
    public SimCounters minus(SimCounters earlier) {
        SimCounters c = new SimCounters();
        c.datagramsSent = datagramsSent - earlier.datagramsSent;
        c.datagramsReceived = datagramsReceived - earlier.datagramsReceived;
        c.datagramsDropped = datagramsDropped - earlier.datagramsDropped;
        c.framesSent = framesSent - earlier.framesSent;
        c.framesReceived = framesReceived - earlier.framesReceived;
        c.bytesSent = bytesSent - earlier.bytesSent;
        c.bytesReceived = bytesReceived - earlier.bytesReceived;
        return c;
    }

    void add(SimCounters o) {
        datagramsSent += o.datagramsSent;
        datagramsReceived += o.datagramsReceived;
        datagramsDropped += o.datagramsDropped;
        framesSent += o.framesSent;
        framesReceived += o.framesReceived;
        bytesSent += o.bytesSent;
        bytesReceived += o.bytesReceived;
    }

    @Override
    public String toString() {
        return "datagrams sent " + datagramsSent + " (dropped " + datagramsDropped + "), received "
                + datagramsReceived + "; frames sent " + framesSent + ", received " + framesReceived
                + "; bytes sent " + bytesSent + ", received " + bytesReceived;
    }
}
