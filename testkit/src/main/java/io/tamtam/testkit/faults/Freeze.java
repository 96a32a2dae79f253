package io.tamtam.testkit.faults;

/** What happens to the traffic of a frozen node, in and out, while it is frozen. */
public enum Freeze {
    /**
     * Held, and delivered in order when the node thaws (like a paused process whose peers' kernels keep
     * the bytes): frames and new streams wait, their futures complete after the thaw; open streams stall.
     */
    HOLD,
    /**
     * Dropped (like a paused process whose socket buffers overflowed): datagrams are lost, frames and new
     * streams fail with an {@link java.io.IOException}; open streams stall.
     */
    DROP
}
