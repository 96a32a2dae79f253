package io.tamtam.internal.wire;

import io.tamtam.DropReason;

/** Inbound bytes that cannot be decoded; carries the reason they are counted under. */
public final class WireException extends Exception {
    private final transient DropReason reason;

    /**
     * @param reason  the drop reason
     * @param message what was wrong
     */
    public WireException(DropReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** @return the drop reason */
    public DropReason reason() {
        return reason;
    }
}
