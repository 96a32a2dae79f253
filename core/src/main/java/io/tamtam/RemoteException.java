package io.tamtam;

/** The remote handler of a request or reliable message threw; the message is the remote one's. */
public final class RemoteException extends TamTamException {
    /** @param message the remote error's message */
    public RemoteException(String message) {
        super(message);
    }
}
