package io.tamtam.internal.transfer;

import io.tamtam.internal.runtime.SerialExecutor;
import io.tamtam.internal.wire.Message;
import io.tamtam.transfer.TransferListener;
import io.tamtam.transfer.TransferProgress;
import io.tamtam.transfer.TransferResult;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

/**
 * The sending side of one transfer. Every step runs on the transfer's own lane (a {@link SerialExecutor}
 * over the service's I/O threads): sending parts, taking acks, the periodic tick. The source is read in
 * order on its own {@link #reader}, off the lane, so that a source that blocks (a user's InputStream)
 * cannot keep the deadline, a cancel or closing from ending the transfer. A part read from the source
 * stays in {@link #inflight} until the receiver acknowledged it.
 */
final class Outgoing extends TransferSide {
    private enum Phase { OFFERING, SENDING, ENDING, DONE }

    /** A part sent and not yet acknowledged. */
    private static final class Pending {
        final byte[] data;
        final int crc;
        long sentAt;
        boolean resend;

        Pending(byte[] data, int crc) {
            this.data = data;
            this.crc = crc;
        }
    }

    private final UUID node;
    private final int userType;
    private final String name;
    private final PartSource source;
    private final long deadlineAt;
    private final TransferListener listener;
    private final SerialExecutor listenerLane;
    private final MessageDigest sha = Sha256.digest();
    private final TreeMap<Integer, Pending> inflight = new TreeMap<>();
    /** Buffers of acknowledged parts, read into again (at most a window of them). */
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    /** Read by the reader too, to stop reading once the transfer ended. */
    private volatile Phase phase = Phase.OFFERING;
    private BitSet held = new BitSet();
    /** Parts read and taken in by the lane: 0 to nextRead - 1. */
    private int nextRead;
    /** Parts asked of the reader: nextRead to nextAsked - 1 are being read. */
    private int nextAsked;
    /** Reads the source, a part at a time, in order; each part read goes to the lane ({@link #onRead}). */
    private final SerialExecutor reader;
    /** Set by the reader when the source failed: later parts are not read. */
    private volatile boolean readFailed;
    private long lastOfferAt;
    private long endSentAt;
    private byte[] digest;
    private long unreachableSince = -1;
    /** When the receiver last said anything about this transfer (or it became reachable again). */
    private long lastHeardAt;
    private boolean accepted;
    private long lastProgressAt;

    Outgoing(TransferService service, String key, UUID node, int userType, long size, int partSize, String name,
             PartSource source, Duration deadline, TransferListener listener) {
        super(service, key, size, partSize, node, true);
        this.node = node;
        this.userType = userType;
        this.name = name;
        this.source = source;
        this.listener = listener;
        this.listenerLane = new SerialExecutor(service.callbacks());
        this.reader = new SerialExecutor(service.sources());
        this.deadlineAt = deadline == null ? Long.MAX_VALUE : startedAt + deadline.toNanos();
        this.lastHeardAt = startedAt;
    }

    @Override
    void cancelled(String why) {
        if (phase != Phase.DONE) {
            sendToNode(new Message.TransferDone(wireId, TransferService.DONE_CANCELLED, why));
            finish(TransferResult.Status.CANCELLED, why, false);
        }
    }

    // ---------------------------------------------------------------- lane steps

    void start() {
        lane.execute(this::offer);
    }

    private void offer() {
        phase = Phase.OFFERING;
        lastOfferAt = service.now();
        sendToNode(new Message.TransferOffer(wireId, key, userType, size, partSize, name));
    }

    void onAccept(Message.TransferAccept a) {
        lastHeardAt = service.now();
        if (phase != Phase.OFFERING) {
            return;
        }
        switch (a.status()) {
            case TransferService.ACCEPT_ALREADY_COMPLETE -> {
                bytesDone = size;
                finish(TransferResult.Status.COMPLETED, "", true);
            }
            case TransferService.ACCEPT_OK -> accepted(a.held());
            default -> finish(TransferResult.Status.FAILED, "refused by " + node + ": " + a.reason(), false);
        }
    }

    private void accepted(byte[] bits) {
        if (bits.length != (parts + 7) / 8) {
            finish(TransferResult.Status.FAILED, "the receiver answered with a part map of the wrong size", false);
            return;
        }
        BitSet now = BitSet.valueOf(bits);
        // every part acknowledged before (read and no longer in flight) must still be held
        for (int i = 0; i < nextRead; i++) {
            if (!inflight.containsKey(i) && !now.get(i)) {
                finish(TransferResult.Status.FAILED, "the receiver lost part " + i
                        + " it had acknowledged (its transfer state was deleted); send again with the same id", false);
                return;
            }
        }
        long resumed = 0;
        for (int i = now.nextSetBit(0); i >= 0; i = now.nextSetBit(i + 1)) {
            resumed += partLength(i);
        }
        // what the receiver holds at this (re)start of its side: not sent again
        resumedBytes = resumed;
        service.stats().transferResumed(resumed);
        if (!accepted) {
            accepted = true;
            bytesDone = resumed;
        }
        held = now;
        for (Iterator<Map.Entry<Integer, Pending>> it = inflight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Pending> e = it.next();
            if (held.get(e.getKey())) {
                it.remove();
                acked(e.getValue().data.length);
                recycle(e.getValue().data);
            } else {
                e.getValue().resend = true;
            }
        }
        phase = Phase.SENDING;
        pump();
    }

    void onAck(int index) {
        lastHeardAt = service.now();
        if (phase == Phase.DONE) {
            return;
        }
        Pending p = inflight.remove(index);
        if (p != null) {
            acked(p.data.length);
            recycle(p.data);
            if (phase == Phase.SENDING) {
                pump();
            }
        }
    }

    void onDone(Message.TransferDone d) {
        if (phase == Phase.DONE) {
            return;
        }
        switch (d.status()) {
            case TransferService.DONE_COMPLETED -> {
                if (phase == Phase.ENDING || phase == Phase.OFFERING && nextRead == parts && inflight.isEmpty()) {
                    bytesDone = size;
                    finish(TransferResult.Status.COMPLETED, "", false);
                }
            }
            case TransferService.DONE_FAILED -> finish(TransferResult.Status.FAILED, "the receiver failed: " + d.reason(), false);
            case TransferService.DONE_CANCELLED -> finish(TransferResult.Status.CANCELLED, "cancelled by the receiver: " + d.reason(), false);
            default -> {
                if (phase != Phase.OFFERING) {
                    offer();
                }
            }
        }
    }

    /** Periodic: deadline, reachability, resends. */
    void tick() {
        if (phase == Phase.DONE) {
            return;
        }
        long now = service.now();
        if (now - deadlineAt >= 0) {
            String why = "its deadline passed";
            sendToNode(new Message.TransferDone(wireId, TransferService.DONE_CANCELLED, why));
            finish(TransferResult.Status.CANCELLED, why, false);
            return;
        }
        if (service.address(node) == null) {
            if (unreachableSince < 0) {
                unreachableSince = now;
            } else if (now - unreachableSince > service.config().unreachableTimeout().toNanos()) {
                finish(TransferResult.Status.FAILED, "node " + node + " was not a live member for "
                        + service.config().unreachableTimeout().toSeconds() + " s; send again with the same id to resume", false);
            }
            return;
        }
        long timeout = service.config().partTimeout().toNanos();
        if (unreachableSince >= 0) {
            unreachableSince = -1;
            lastHeardAt = now;
            offer();   // it may have restarted: ask what it holds
            return;
        }
        long silent = service.config().unreachableTimeout().toNanos();
        if (now - lastHeardAt > silent) {
            finish(TransferResult.Status.FAILED, "node " + node + " is a live member but answered nothing about the"
                    + " transfer for " + service.config().unreachableTimeout().toSeconds() + " s; send again with the"
                    + " same id to resume", false);
            return;
        }
        switch (phase) {
            case OFFERING -> {
                if (now - lastOfferAt > timeout) {
                    offer();
                }
            }
            case SENDING -> {
                for (Map.Entry<Integer, Pending> e : inflight.entrySet()) {
                    if (e.getValue().resend || now - e.getValue().sentAt > timeout) {
                        sendPart(e.getKey(), e.getValue());
                    }
                }
                pump();
            }
            case ENDING -> {
                if (now - endSentAt > timeout) {
                    sendEnd();
                }
            }
            default -> { }
        }
    }

    CompletableFuture<Void> close(String reason) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        lane.execute(() -> {
            if (phase != Phase.DONE) {
                finish(TransferResult.Status.FAILED, reason, false);
            }
            closed.complete(null);
        });
        return closed;
    }

    // ---------------------------------------------------------------- internals

    private void pump() {
        while (phase == Phase.SENDING && inflight.size() + (nextAsked - nextRead) < service.config().window()
                && nextAsked < parts) {
            int i = nextAsked++;
            byte[] data = buffer(partLength(i));
            reader.execute(() -> read(i, data));
        }
        for (Map.Entry<Integer, Pending> e : inflight.entrySet()) {
            if (e.getValue().resend) {
                sendPart(e.getKey(), e.getValue());
            }
        }
        if (phase == Phase.SENDING && nextRead == parts && inflight.isEmpty()) {
            phase = Phase.ENDING;
            if (digest == null) {
                digest = sha.digest();
            }
            sendEnd();
        }
    }

    /** On the reader: reads part {@code i} and hands it to the lane. */
    private void read(int i, byte[] data) {
        if (phase == Phase.DONE || readFailed) {
            return;
        }
        try {
            source.readFully(data);
        } catch (IOException | RuntimeException e) {
            readFailed = true;
            lane.execute(() -> {
                if (phase != Phase.DONE) {
                    sendToNode(new Message.TransferDone(wireId, TransferService.DONE_FAILED, "the sender could not read its source"));
                    finish(TransferResult.Status.FAILED, "cannot read the source: " + e.getMessage(), false);
                }
            });
            return;
        }
        lane.execute(() -> onRead(i, data));
    }

    /** On the lane: part {@code i} was read (parts arrive in order). */
    private void onRead(int i, byte[] data) {
        if (phase == Phase.DONE) {
            return;
        }
        nextRead = i + 1;
        sha.update(data);
        if (held.get(i)) {
            recycle(data);
        } else {
            CRC32C crc = new CRC32C();
            crc.update(data);
            Pending p = new Pending(data, (int) crc.getValue());
            inflight.put(i, p);
            if (phase == Phase.SENDING) {
                sendPart(i, p);
            } else {
                p.resend = true;
            }
        }
        if (phase == Phase.SENDING) {
            pump();
        }
    }

    private void sendEnd() {
        endSentAt = service.now();
        sendToNode(new Message.TransferEnd(wireId, size, digest));
    }

    private void sendPart(int index, Pending p) {
        p.sentAt = service.now();
        p.resend = false;
        InetSocketAddress to = service.address(node);
        if (to == null) {
            p.resend = true;
            return;
        }
        service.stats().transferPartSent();
        service.outbox().sendFrame(to, new Message.TransferPart(wireId, index, p.crc, p.data)).whenComplete((v, err) -> {
            if (err != null) {
                lane.execute(() -> p.resend = true);
            }
        });
    }

    private void sendToNode(Message m) {
        InetSocketAddress to = service.address(node);
        if (to != null) {
            service.outbox().sendFrame(to, m);
        }
    }

    /** @param length a part's length @return a spare buffer of that length, or a new one */
    private byte[] buffer(int length) {
        byte[] b = spare.poll();
        return b != null && b.length == length ? b : new byte[length];
    }

    /** @param data an acknowledged part's buffer: encoded into its frames already, so free to read into again */
    private void recycle(byte[] data) {
        if (data.length == partSize && spare.size() < service.config().window()) {
            spare.push(data);
        }
    }

    private void acked(int bytes) {
        bytesDone += bytes;
        service.stats().transferBytesSent(bytes);
        long now = service.now();
        if (listener != null && now - lastProgressAt > 200_000_000L) {
            lastProgressAt = now;
            TransferProgress p = progress();
            listenerLane.execute(() -> listener.progress(p));
        }
    }

    private void finish(TransferResult.Status status, String reason, boolean alreadyComplete) {
        phase = Phase.DONE;
        inflight.clear();
        spare.clear();
        // On the reader, after a read in progress (a source need not allow a close while it reads).
        reader.execute(() -> {
            try {
                source.close();
            } catch (IOException | RuntimeException ignored) {
                // nothing more to read from it
            }
        });
        service.ended(this, status);
        if (listener != null) {
            TransferProgress p = progress();
            listenerLane.execute(() -> listener.progress(p));
        }
        TransferResult r = new TransferResult(key, status, reason, size, resumedBytes, alreadyComplete);
        listenerLane.execute(() -> service.completions().complete(result, r));
    }
}
