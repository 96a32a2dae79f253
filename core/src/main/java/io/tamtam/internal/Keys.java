package io.tamtam.internal;

import io.tamtam.Keyring;
import io.tamtam.KeyringReport;
import io.tamtam.TamTamException;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireFormat;
import io.tamtam.spi.Cipher;
import io.tamtam.spi.CipherFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * This node's keyring and the cluster-wide operations on it (KEY_OP / KEY_REPLY). The keys change on the
 * protocol thread only; the packet codec and new streams read the current ciphers.
 */
final class Keys implements Keyring {
    /** Most keys one node holds. */
    static final int MAX_KEYS = 32;

    private final Context ctx;
    private final PacketCodec codec;
    private final CipherFactory factory;
    private final Completions completions;
    /** The keys, primary first, and their ciphers in the same order. */
    private volatile List<byte[]> keys;
    private volatile List<Cipher> ciphers;
    private int nextRequest;

    /** An operation this node sent, waiting for answers. */
    private static final class Pending {
        final CompletableFuture<KeyringReport> future;
        final Set<UUID> waiting;
        final Set<UUID> acked = new HashSet<>();
        final Map<UUID, String> failed = new HashMap<>();
        final Map<UUID, List<String>> keys = new HashMap<>();

        Pending(CompletableFuture<KeyringReport> future, Set<UUID> waiting) {
            this.future = future;
            this.waiting = waiting;
        }
    }

    private final Map<Integer, Pending> pending = new HashMap<>();

    Keys(Context ctx, PacketCodec codec, CipherFactory factory, List<byte[]> keys, List<Cipher> ciphers,
         Completions completions) {
        this.ctx = ctx;
        this.codec = codec;
        this.factory = factory;
        this.completions = completions;
        this.keys = List.copyOf(keys);
        this.ciphers = List.copyOf(ciphers);
        this.nextRequest = ctx.random().nextInt();
    }

    /** @return the current ciphers, the one that encrypts first */
    List<Cipher> ciphers() {
        return ciphers;
    }

    boolean enabled() {
        return factory != null && !ciphers.isEmpty();
    }

    void register(Dispatch dispatch) {
        dispatch.onProtocolThread(Message.KeyOp.class, (op, sender, from, viaFrame) -> onOp(op, sender));
        dispatch.onProtocolThread(Message.KeyReply.class, (r, sender, from, viaFrame) -> onReply(r, sender));
    }

    @Override
    public CompletableFuture<KeyringReport> install(byte[] key) {
        return run(WireFormat.KEY_OP_INSTALL, key);
    }

    @Override
    public CompletableFuture<KeyringReport> use(byte[] key) {
        return run(WireFormat.KEY_OP_USE, key);
    }

    @Override
    public CompletableFuture<KeyringReport> remove(byte[] key) {
        return run(WireFormat.KEY_OP_REMOVE, key);
    }

    @Override
    public CompletableFuture<KeyringReport> list() {
        return run(WireFormat.KEY_OP_LIST, new byte[0]);
    }

    private CompletableFuture<KeyringReport> run(int op, byte[] key) {
        byte[] k = java.util.Objects.requireNonNull(key, "key").clone();
        if (op != WireFormat.KEY_OP_LIST) {
            if (k.length == 0 || k.length > WireFormat.MAX_KEY_SIZE) {
                return CompletableFuture.failedFuture(new IllegalArgumentException(
                        "a key has 1 to " + WireFormat.MAX_KEY_SIZE + " bytes, got " + k.length));
            }
            try {
                factory.create(k);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<KeyringReport> f = new CompletableFuture<>();
        ctx.scheduler().execute(() -> start(op, k, f));
        return f;
    }

    /** Protocol thread: applies the operation here, then sends it to every live member. */
    private void start(int op, byte[] key, CompletableFuture<KeyringReport> f) {
        String refusal = apply(op, key);
        if (refusal != null) {
            // Refused here (the primary key, or a key this node lacks): nothing is sent.
            completions.fail(f, new IllegalArgumentException(refusal));
            return;
        }
        Set<UUID> waiting = new HashSet<>();
        List<Member> members = new ArrayList<>();
        for (Member m : ctx.table().members()) {
            if (m.isLive() && !m.id().equals(ctx.selfId())) {
                waiting.add(m.id());
                members.add(m);
            }
        }
        int id = nextRequest++;
        Pending p = new Pending(f, waiting);
        p.acked.add(ctx.selfId());
        p.keys.put(ctx.selfId(), fingerprints());
        pending.put(id, p);
        for (Member m : members) {
            UUID node = m.id();
            ctx.outbox().sendFrame(m.snapshot().address(), new Message.KeyOp(id, op, key)).whenComplete((v, err) -> {
                if (err != null) {
                    ctx.scheduler().execute(() -> answered(id, node, "not sent: " + Completions.describe(err), null));
                }
            });
        }
        ctx.scheduler().schedule(() -> {
            Pending q = pending.get(id);
            if (q != null) {
                for (UUID node : List.copyOf(q.waiting)) {
                    q.failed.put(node, "no answer within " + ctx.config().reliableTimeout());
                }
                q.waiting.clear();
                finishIfDone(id, q);
            }
        }, ctx.config().reliableTimeout().toNanos());
        finishIfDone(id, p);
    }

    /** @return null when applied, else why refused */
    private String apply(int op, byte[] key) {
        int at = indexOf(key);
        switch (op) {
            case WireFormat.KEY_OP_INSTALL -> {
                if (at < 0) {
                    if (keys.size() >= MAX_KEYS) {
                        return "the keyring holds " + MAX_KEYS + " keys already: remove one first";
                    }
                    Cipher c;
                    try {
                        c = factory.create(key);
                    } catch (IllegalArgumentException e) {
                        return e.getMessage();
                    }
                    List<byte[]> ks = new ArrayList<>(keys);
                    ks.add(key.clone());
                    List<Cipher> cs = new ArrayList<>(ciphers);
                    cs.add(c);
                    set(ks, cs);
                }
                return null;
            }
            case WireFormat.KEY_OP_USE -> {
                if (at < 0) {
                    return "key " + Keyring.fingerprint(key) + " is not installed: install it with keyring().install(key) first";
                }
                List<byte[]> ks = new ArrayList<>(keys);
                List<Cipher> cs = new ArrayList<>(ciphers);
                ks.add(0, ks.remove(at));
                cs.add(0, cs.remove(at));
                set(ks, cs);
                return null;
            }
            case WireFormat.KEY_OP_REMOVE -> {
                if (at == 0) {
                    return "key " + Keyring.fingerprint(key) + " is the primary key: switch to another one with "
                            + "keyring().use(otherKey) first, then remove it";
                }
                if (at > 0) {
                    List<byte[]> ks = new ArrayList<>(keys);
                    List<Cipher> cs = new ArrayList<>(ciphers);
                    ks.remove(at);
                    cs.remove(at);
                    set(ks, cs);
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Protocol thread: makes the next key the primary one, the primary the last (a join retry). */
    void nextPrimary() {
        if (keys.size() < 2) {
            return;
        }
        List<byte[]> ks = new ArrayList<>(keys);
        List<Cipher> cs = new ArrayList<>(ciphers);
        ks.add(ks.remove(0));
        cs.add(cs.remove(0));
        set(ks, cs);
    }

    private void set(List<byte[]> ks, List<Cipher> cs) {
        keys = List.copyOf(ks);
        ciphers = List.copyOf(cs);
        codec.ciphers(cs);
    }

    private int indexOf(byte[] key) {
        List<byte[]> ks = keys;
        for (int i = 0; i < ks.size(); i++) {
            if (Arrays.equals(ks.get(i), key)) {
                return i;
            }
        }
        return -1;
    }

    private List<String> fingerprints() {
        List<String> out = new ArrayList<>();
        for (byte[] k : keys) {
            out.add(Keyring.fingerprint(k));
        }
        return out;
    }

    /** A KEY_OP from a member: it came sealed with a key this node holds, or it would not have decoded. */
    private void onOp(Message.KeyOp op, UUID sender) {
        Member m = ctx.table().get(sender);
        if (m == null || !m.isLive() || sender.equals(ctx.selfId())) {
            ctx.stats().drop(io.tamtam.DropReason.WRONG_TARGET);
            return;
        }
        String refusal = apply(op.op(), op.key());
        List<byte[]> fps = new ArrayList<>();
        for (byte[] k : keys) {
            fps.add(Arrays.copyOf(sha256(k), WireFormat.KEY_FINGERPRINT_SIZE));
        }
        ctx.outbox().sendFrame(m.snapshot().address(), new Message.KeyReply(op.requestId(),
                refusal == null ? WireFormat.STATUS_OK : WireFormat.STATUS_HANDLER_ERROR,
                refusal == null ? "" : refusal, fps));
    }

    private void onReply(Message.KeyReply r, UUID sender) {
        List<String> fps = new ArrayList<>();
        for (byte[] f : r.fingerprints()) {
            fps.add(HexFormat.of().formatHex(f));
        }
        answered(r.requestId(), sender, r.status() == WireFormat.STATUS_OK ? null
                : (r.error().isEmpty() ? "refused" : r.error()), fps);
    }

    private void answered(int id, UUID node, String failure, List<String> fps) {
        Pending p = pending.get(id);
        if (p == null || !p.waiting.remove(node)) {
            return; // late, duplicate, or from a node it was not sent to
        }
        if (failure == null) {
            p.acked.add(node);
        } else {
            p.failed.put(node, failure);
        }
        if (fps != null) {
            p.keys.put(node, fps);
        }
        finishIfDone(id, p);
    }

    private void finishIfDone(int id, Pending p) {
        if (p.waiting.isEmpty() && pending.remove(id) != null) {
            completions.complete(p.future, new KeyringReport(p.acked, p.failed, p.keys));
        }
    }

    /** Fails operations still waiting. */
    void close() {
        for (Pending p : pending.values()) {
            completions.fail(p.future, new TamTamException("the cluster node is closed"));
        }
        pending.clear();
    }

    private static byte[] sha256(byte[] key) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(key);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
