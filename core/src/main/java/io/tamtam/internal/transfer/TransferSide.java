package io.tamtam.internal.transfer;

import io.tamtam.internal.runtime.SerialExecutor;
import io.tamtam.transfer.Transfer;
import io.tamtam.transfer.TransferProgress;
import io.tamtam.transfer.TransferResult;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * What both sides of a transfer have: its id, shape, lane, progress counters and result. Every step of
 * a side runs on its {@link #lane} (a {@link SerialExecutor} over the service's I/O threads).
 */
abstract class TransferSide implements Transfer {
    final TransferService service;
    final UUID wireId;
    final String key;
    final long size;
    final int partSize;
    final int parts;
    final SerialExecutor lane;
    final CompletableFuture<TransferResult> result = new CompletableFuture<>();
    final long startedAt;
    private final boolean outgoing;
    /** The other side: the destination, or the sender's node as last heard from. */
    volatile UUID peer;
    /** Bytes acknowledged (sender) or written (receiver), resumed ones included. */
    volatile long bytesDone;
    /** Bytes the receiver already held when this side (re)started. */
    volatile long resumedBytes;

    TransferSide(TransferService service, String key, long size, int partSize, UUID peer, boolean outgoing) {
        this.service = service;
        this.peer = peer;
        this.key = key;
        this.wireId = TransferService.wireId(key);
        this.size = size;
        this.partSize = partSize;
        this.parts = TransferService.partCount(size, partSize);
        this.outgoing = outgoing;
        this.lane = new SerialExecutor(service.io());
        this.startedAt = service.now();
    }

    @Override
    public final String id() {
        return key;
    }

    @Override
    public final UUID peer() {
        return peer;
    }

    @Override
    public final boolean outgoing() {
        return outgoing;
    }

    @Override
    public final void cancel(String reason) {
        String why = reason == null ? "cancelled" : reason;
        lane.execute(() -> cancelled(why));
    }

    /**
     * On the lane: unless this side has ended, tells the peer and ends as cancelled.
     *
     * @param why the reason both sides report
     */
    abstract void cancelled(String why);

    @Override
    public final TransferProgress progress() {
        return TransferService.progress(service.now() - startedAt, bytesDone, resumedBytes, size);
    }

    @Override
    public final CompletableFuture<TransferResult> result() {
        return result;
    }

    /** @param i a part's index @return its length in bytes */
    final int partLength(int i) {
        return (int) Math.min(partSize, size - (long) i * partSize);
    }
}
