package io.tamtam.transfer;

import io.tamtam.Node;
import io.tamtam.Subscription;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Large transfers to one node ({@code cluster.transfers()}). The content is cut into parts of
 * {@link TransferConfig#partSize()} sent as frames on the stream path (compressed and encrypted per part
 * like every packet, with a CRC32C per part), at most {@link TransferConfig#window()} unacknowledged; the
 * sender keeps a part until the receiver acknowledged it, which it does once the part is written to its
 * temporary file. When every part is acknowledged the sender sends the SHA-256 of the whole; the receiver
 * fsyncs, checks it against the file and moves the file into place (or hands it to a sink), then both
 * sides report the end state. The receiver keeps the parts held and the transfer's state on disk, keyed
 * by the transfer id: after a broken connection, a restart of the receiver (same node id, resumed when it
 * is a live member again within {@link TransferConfig#unreachableTimeout()}) or of the sender (sending
 * again with the same id), only the parts it does not hold are sent.
 */
public interface Transfers {

    /**
     * Sends a file.
     *
     * @param node    the destination's id
     * @param type    the transfer type
     * @param file    a regular file; it must not change until the transfer ends
     * @param options id, name, deadline, listener
     * @return the transfer
     * @throws IllegalArgumentException when the file cannot be read (the message says why)
     */
    Transfer send(UUID node, TransferType type, Path file, TransferOptions options);

    /**
     * Sends the content of a stream. To resume after a restart, send again with the same id and a stream
     * with the same content from its start: the parts the receiver holds are read and skipped.
     *
     * @param node    the destination's id
     * @param type    the transfer type
     * @param content read from its start to {@code size} bytes; closed when the transfer ends
     * @param size    bytes the stream holds; the transfer fails if it has fewer
     * @param options id, name, deadline, listener
     * @return the transfer
     */
    Transfer send(UUID node, TransferType type, InputStream content, long size, TransferOptions options);

    /**
     * @param node    the destination
     * @param type    the transfer type
     * @param file    the file
     * @param options the options
     * @return as {@link #send(UUID, TransferType, Path, TransferOptions)}
     */
    default Transfer send(Node node, TransferType type, Path file, TransferOptions options) {
        return send(node.id(), type, file, options);
    }

    /**
     * Registers the handler for one transfer type.
     *
     * @param type    the type
     * @param handler chooses where each transfer goes and hears how it ended
     * @return removes the handler when closed
     * @throws IllegalStateException when the type already has a handler
     */
    Subscription handle(TransferType type, TransferHandler handler);

    /** @return the transfers open now, both directions */
    List<Transfer> active();
}
