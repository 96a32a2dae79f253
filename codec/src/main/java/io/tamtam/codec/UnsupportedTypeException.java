package io.tamtam.codec;

/** Raised while building a handler for a type the codec cannot map; the message says why. */
final class UnsupportedTypeException extends Exception {

    /** @param message why the type is not supported and what to do instead */
    UnsupportedTypeException(String message) {
        super(message, null, false, false);
    }
}
