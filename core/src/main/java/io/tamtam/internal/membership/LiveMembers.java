package io.tamtam.internal.membership;

import java.util.Arrays;
import java.util.UUID;

/**
 * The live members (alive or suspect) of one table in two parallel arrays: each member's {@link #key} and
 * the member. A scan over every live member (ranking them in a broadcast's tree) then reads one array of
 * longs instead of following a pointer per member to its id; with many members per node, and many nodes
 * in one JVM, those pointers miss the caches. Order is arbitrary. Protocol thread only.
 */
public final class LiveMembers {
    private long[] keys = new long[16];
    private Member[] members = new Member[16];
    private int size;

    /** @return how many members are live */
    public int size() {
        return size;
    }

    /** @return the keys of the live members, at indexes 0 to {@link #size()} - 1; not to be changed */
    public long[] keys() {
        return keys;
    }

    /** @param i an index below {@link #size()} @return the member there */
    public Member member(int i) {
        return members[i];
    }

    void add(Member m) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, 2 * size);
            members = Arrays.copyOf(members, 2 * size);
        }
        keys[size] = key(m.id());
        members[size] = m;
        size++;
    }

    void remove(Member m) {
        for (int i = 0; i < size; i++) {
            if (members[i] == m) {
                size--;
                keys[i] = keys[size];
                members[i] = members[size];
                members[size] = null;
                return;
            }
        }
    }

    /**
     * @param id a node id
     * @return a 64-bit mix of it (SplitMix64's finalizer over both halves), the same on every node
     */
    public static long key(UUID id) {
        return mix(id.getMostSignificantBits() ^ mix(id.getLeastSignificantBits()));
    }

    /** @param z a value @return SplitMix64's finalizer of it */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
