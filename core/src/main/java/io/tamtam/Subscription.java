package io.tamtam;

/** A registration that can be undone; closing it twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    /** Removes the registration. */
    @Override
    void close();
}
