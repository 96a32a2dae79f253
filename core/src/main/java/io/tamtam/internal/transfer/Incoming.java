package io.tamtam.internal.transfer;

import io.tamtam.internal.wire.Message;
import io.tamtam.transfer.TransferHandler;
import io.tamtam.transfer.TransferOffer;
import io.tamtam.transfer.TransferResult;
import io.tamtam.transfer.TransferTarget;
import io.tamtam.transfer.TransferType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The receiving side of one transfer. Parts are written to a temporary file at their offset and marked
 * in the transfer's state file (one byte per part after a header) before they are acknowledged; both
 * files are kept by {@link TransferStore} under the transfer's wire id, so that a restarted node resumes.
 * Every step runs on the transfer's lane; the handler runs on the callback executor.
 */
final class Incoming extends TransferSide {
    private enum Phase { ACCEPTING, OPEN, FINISHING, DONE }

    private final int userType;
    private final String name;
    private final TransferHandler handler;
    private Phase phase = Phase.ACCEPTING;
    private TransferOffer offer;
    private TransferTarget target;
    private BitSet held;
    private int heldCount;
    private FileChannel data;
    private FileChannel state;
    private long lastActivity;

    Incoming(TransferService service, UUID sender, Message.TransferOffer o, TransferHandler handler) {
        super(service, o.key(), o.size(), o.partSize(), sender, false);
        this.userType = o.userType();
        this.name = o.name();
        this.handler = handler;
        this.lastActivity = startedAt;
    }

    @Override
    void cancelled(String why) {
        if (phase != Phase.DONE) {
            reply(new Message.TransferDone(wireId, TransferService.DONE_CANCELLED, why));
            end(TransferResult.Status.CANCELLED, why, true);
        }
    }

    /** @return whether the offer matches this transfer's shape */
    boolean sameShape(Message.TransferOffer o) {
        return o.userType() == userType && o.size() == size && o.partSize() == partSize;
    }

    // ---------------------------------------------------------------- lane steps

    /** Loads what an earlier attempt left on disk, then asks the handler where the transfer goes. */
    void open() {
        try {
            held = service.store().load(wireId, userType, size, partSize, parts);
        } catch (IOException e) {
            held = null;
        }
        if (held == null) {
            held = new BitSet(parts);
        }
        heldCount = held.cardinality();
        long resumed = 0;
        for (int i = held.nextSetBit(0); i >= 0; i = held.nextSetBit(i + 1)) {
            resumed += partLength(i);
        }
        resumedBytes = resumed;
        bytesDone = resumed;
        offer = new TransferOffer(key, peer, TransferType.of(userType), size, name, resumed);
        TransferOffer o = offer;
        CompletableFuture.supplyAsync(() -> {
            try {
                return handler.accept(o);
            } catch (Exception e) {
                return TransferTarget.refuse(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }, service.callbacks()).whenComplete((t, err) -> lane.execute(() -> accepted(t, err)));
    }

    private void accepted(TransferTarget t, Throwable err) {
        if (phase != Phase.ACCEPTING) {
            return;
        }
        String refusal = err != null ? String.valueOf(err.getMessage()) : t == null ? "the handler chose no target" : t.refusal();
        if (refusal != null) {
            phase = Phase.DONE;
            service.forget(this, "refused");
            reply(new Message.TransferAccept(wireId, TransferService.ACCEPT_REFUSED, refusal, new byte[0]));
            return;
        }
        target = t;
        try {
            data = service.store().openData(wireId);
            state = service.store().openState(wireId, userType, size, partSize, parts, held);
        } catch (IOException e) {
            closeFiles();
            phase = Phase.DONE;
            service.forget(this, "refused");
            reply(new Message.TransferAccept(wireId, TransferService.ACCEPT_REFUSED,
                    "the receiver cannot write its transfer directory: " + e.getMessage(), new byte[0]));
            return;
        }
        phase = Phase.OPEN;
        lastActivity = service.now();
        service.stats().transferStarted();
        replyAccept();
    }

    /** The sender offered again (it restarted, reconnected, or this node answered "unknown"). */
    void reoffer(UUID from) {
        if (phase == Phase.OPEN) {
            peer = from;
            lastActivity = service.now();
            replyAccept();
        }
    }

    private void replyAccept() {
        byte[] bits = new byte[(parts + 7) / 8];
        byte[] set = held.toByteArray();
        System.arraycopy(set, 0, bits, 0, Math.min(set.length, bits.length));
        reply(new Message.TransferAccept(wireId, TransferService.ACCEPT_OK, "", bits));
    }

    /** @return whether the part was taken (else the caller answers "unknown") */
    boolean part(UUID from, Message.TransferPart p) {
        if (phase != Phase.OPEN) {
            return phase != Phase.DONE;
        }
        if (p.index() < 0 || p.index() >= parts || p.data().length != partLength(p.index())) {
            service.rejected();
            return true;
        }
        peer = from;
        lastActivity = service.now();
        if (!held.get(p.index())) {
            try {
                ByteBuffer b = ByteBuffer.wrap(p.data());
                long pos = (long) p.index() * partSize;
                while (b.hasRemaining()) {
                    pos += data.write(b, pos);
                }
                state.write(ByteBuffer.wrap(new byte[] {1}), TransferStore.HEADER + p.index());
            } catch (IOException e) {
                fail("the receiver could not write part " + p.index() + ": " + e.getMessage());
                return true;
            }
            held.set(p.index());
            heldCount++;
            bytesDone += p.data().length;
            service.stats().transferBytesReceived(p.data().length);
        }
        reply(new Message.TransferPartAck(wireId, p.index()));
        return true;
    }

    /** Every part acknowledged at the sender: verify, deliver, report. */
    void end(UUID from, Message.TransferEnd e) {
        if (phase == Phase.DONE || phase == Phase.FINISHING) {
            return;
        }
        if (phase != Phase.OPEN) {
            return;
        }
        peer = from;
        lastActivity = service.now();
        if (e.size() != size || heldCount < parts) {
            reply(new Message.TransferDone(wireId, TransferService.DONE_UNKNOWN, "parts missing"));
            return;
        }
        byte[] sum;
        try {
            data.force(true);
            state.force(true);
            sum = Sha256.of(data, size);
        } catch (IOException x) {
            fail("the receiver could not read back its file: " + x.getMessage());
            return;
        }
        if (!MessageDigest.isEqual(sum, e.sha256())) {
            closeFiles();
            service.store().delete(wireId);
            String why = "the SHA-256 of the received file does not match the sender's";
            reply(new Message.TransferDone(wireId, TransferService.DONE_FAILED, why));
            end(TransferResult.Status.FAILED, why, true);
            return;
        }
        closeFiles();
        phase = Phase.FINISHING;
        Path tmp = service.store().dataFile(wireId);
        if (target.destination() != null) {
            try {
                moveIntoPlace(tmp, target.destination());
            } catch (IOException x) {
                fail("the receiver could not move the file into place at " + target.destination() + ": " + x);
                return;
            }
            delivered();
        } else {
            TransferTarget.Sink sink = target.sink();
            CompletableFuture.runAsync(() -> {
                try (InputStream in = Files.newInputStream(tmp)) {
                    sink.accept(in);
                } catch (IOException x) {
                    throw new java.io.UncheckedIOException(x);
                }
            }, service.callbacks()).whenComplete((v, err) -> lane.execute(() -> {
                if (err == null) {
                    delivered();
                } else {
                    Throwable c = err.getCause() != null ? err.getCause() : err;
                    fail("the receiver's sink failed: " + c.getMessage());
                }
            }));
        }
    }

    private void delivered() {
        service.store().completed(wireId);
        service.store().delete(wireId);
        reply(new Message.TransferDone(wireId, TransferService.DONE_COMPLETED, ""));
        end(TransferResult.Status.COMPLETED, "", false);
    }

    /** The sender ended it: cancelled or failed. */
    void ended(Message.TransferDone d) {
        if (phase == Phase.DONE || phase == Phase.FINISHING) {
            return;
        }
        if (d.status() == TransferService.DONE_CANCELLED) {
            end(TransferResult.Status.CANCELLED, "cancelled by the sender: " + d.reason(), true);
        } else if (d.status() == TransferService.DONE_FAILED) {
            end(TransferResult.Status.FAILED, "the sender failed: " + d.reason(), false);
        }
    }

    void tick() {
        if (phase == Phase.OPEN && service.now() - lastActivity > service.config().idleTimeout().toNanos()) {
            String why = "nothing from the sender for " + service.config().idleTimeout().toSeconds() + " s";
            reply(new Message.TransferDone(wireId, TransferService.DONE_FAILED, why));
            end(TransferResult.Status.FAILED, why, false);
        }
    }

    /** The node closes: the state stays on disk for a resume. */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        lane.execute(() -> {
            if (phase != Phase.DONE) {
                end(TransferResult.Status.FAILED, "the cluster node is closed", false);
            }
            closed.complete(null);
        });
        return closed;
    }

    // ---------------------------------------------------------------- internals

    private void fail(String why) {
        reply(new Message.TransferDone(wireId, TransferService.DONE_FAILED, why));
        end(TransferResult.Status.FAILED, why, false);
    }

    private void end(TransferResult.Status status, String reason, boolean deletePartial) {
        phase = Phase.DONE;
        closeFiles();
        if (status != TransferResult.Status.COMPLETED && (deletePartial || !service.config().keepPartial())) {
            service.store().delete(wireId);
        }
        service.ended(this, status);
        TransferResult r = new TransferResult(key, status, reason, size, resumedBytes, false);
        TransferOffer o = offer;
        service.callbacks().execute(() -> {
            try {
                handler.ended(o, r);
            } finally {
                result.complete(r);
            }
        });
    }

    private static void moveIntoPlace(Path tmp, Path dest) throws IOException {
        Path dir = dest.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        try {
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // another file system: copy next to the destination, then rename there atomically
            Path near = dest.resolveSibling(dest.getFileName() + ".tamtam-partial");
            Files.copy(tmp, near, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(near, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(near, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(tmp);
        }
    }

    private void closeFiles() {
        for (FileChannel ch : new FileChannel[] {data, state}) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing after use; nothing to recover
                }
            }
        }
        data = null;
        state = null;
    }

    private void reply(Message m) {
        service.sendTo(peer, m);
    }
}
