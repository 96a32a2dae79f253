package io.tamtam.testkit.faults;

/**
 * What happens to the datagrams of a frozen node, in and out, while it is frozen. Its frames and streams
 * stall in either mode, as on connections to a paused process: frames and new streams wait and their
 * futures complete after the thaw; reads and writes of open streams block until then.
 */
public enum Freeze {
    /** Datagrams are held and delivered, in order per link, when the node thaws. */
    HOLD,
    /** Datagrams are dropped, as by a paused process whose socket buffer overflowed. */
    DROP
}
