package io.tamtam.internal.membership;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Members by a key (their id, or their address), in one array with open addressing and linear probing,
 * grown when three quarters full to at most half full: 5.3 to 16 bytes per member, where a concurrent
 * hash map spends about 40 on an entry. One thread writes
 * (the protocol thread); any thread reads. A slot is written with release and read with acquire
 * semantics; removing a member leaves a tombstone in its slot, so a reader never misses a member that
 * stays; a rebuild (growth, or too many tombstones) fills a new array and publishes it whole. Readers
 * see what CHM's readers would: every member present for the whole read, maybe one added or removed
 * meanwhile.
 *
 * @param <K> the key
 */
final class MemberIndex<K> {
    private static final Object TOMBSTONE = new Object();
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final int MIN_CAPACITY = 8;

    private final Function<Member, K> keyOf;
    private volatile Object[] slots = new Object[MIN_CAPACITY];
    private volatile int size;
    private final AbstractCollection<Member> view = newView();
    /** Members plus tombstones, writer only. */
    private int used;

    /** @param keyOf a member's key; when it changes, the writer moves the member ({@link #remove}, {@link #put}) */
    MemberIndex(Function<Member, K> keyOf) {
        this.keyOf = keyOf;
    }

    private static int start(Object key, int mask) {
        int h = key.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /** @param key a key @return the member with it, or null; any thread */
    Member get(Object key) {
        Object[] s = slots;
        int mask = s.length - 1;
        int i = start(key, mask);
        for (int probes = 0; probes < s.length; probes++, i = (i + 1) & mask) {
            Object o = SLOT.getAcquire(s, i);
            if (o == null) {
                return null;
            }
            if (o != TOMBSTONE) {
                K k = keyOf.apply((Member) o);
                if (k == key || key.equals(k)) { // keys are mostly shared instances (Interned)
                    return (Member) o;
                }
            }
        }
        return null;
    }

    /**
     * Adds a member under its key, replacing the member that had that key. Writer only.
     *
     * @param m the member
     * @return the member it replaced, or null
     */
    Member put(Member m) {
        if ((used + 1) * 4L > slots.length * 3L) {
            rebuild(capacityFor(size + 1));
        }
        K key = keyOf.apply(m);
        Object[] s = slots;
        int mask = s.length - 1;
        int free = -1;
        int i = start(key, mask);
        for (int probes = 0; probes < s.length; probes++, i = (i + 1) & mask) {
            Object o = s[i];
            if (o == null) {
                break;
            }
            if (o == TOMBSTONE) {
                if (free < 0) {
                    free = i;
                }
            } else if (key.equals(keyOf.apply((Member) o))) {
                SLOT.setRelease(s, i, m);
                return (Member) o;
            }
        }
        if (free < 0) {
            free = i;
            used++;
        }
        SLOT.setRelease(s, free, m);
        size = size + 1;
        return null;
    }

    /**
     * Removes this member (by identity) from where the key puts it. Writer only.
     *
     * @param m   the member
     * @param key the key it was put under
     * @return whether it was there
     */
    boolean remove(Member m, K key) {
        Object[] s = slots;
        int mask = s.length - 1;
        int i = start(key, mask);
        for (int probes = 0; probes < s.length; probes++, i = (i + 1) & mask) {
            Object o = s[i];
            if (o == null) {
                return false;
            }
            if (o == m) {
                SLOT.setRelease(s, i, TOMBSTONE);
                size = size - 1;
                if (used > 3 * size + MIN_CAPACITY) {
                    rebuild(capacityFor(size));
                }
                return true;
            }
        }
        return false;
    }

    /** @return the smallest power of two at least twice {@code n}: a rebuilt array is at most half full */
    private static int capacityFor(int n) {
        return Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, 2 * n - 1)) << 1);
    }

    private void rebuild(int capacity) {
        Object[] old = slots;
        Object[] s = new Object[capacity];
        int mask = capacity - 1;
        int n = 0;
        for (Object o : old) {
            if (o != null && o != TOMBSTONE) {
                int i = start(keyOf.apply((Member) o), mask);
                while (s[i] != null) {
                    i = (i + 1) & mask;
                }
                s[i] = o;
                n++;
            }
        }
        used = n;
        slots = s;
    }

    /** @return members indexed now; any thread */
    int size() {
        return size;
    }

    /** @return a weakly consistent view of the members, for any thread (the same object every time) */
    AbstractCollection<Member> view() {
        return view;
    }

    private AbstractCollection<Member> newView() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<Member> iterator() {
                Object[] s = slots;
                return new Iterator<>() {
                    private int i = -1;
                    private Member next = advance();

                    private Member advance() {
                        while (++i < s.length) {
                            Object o = SLOT.getAcquire(s, i);
                            if (o != null && o != TOMBSTONE) {
                                return (Member) o;
                            }
                        }
                        return null;
                    }

                    @Override
                    public boolean hasNext() {
                        return next != null;
                    }

                    @Override
                    public Member next() {
                        Member m = next;
                        if (m == null) {
                            throw new NoSuchElementException();
                        }
                        next = advance();
                        return m;
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
