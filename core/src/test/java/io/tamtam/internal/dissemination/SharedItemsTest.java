package io.tamtam.internal.dissemination;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class SharedItemsTest {

    @Test
    void equalNewsAboutAMemberIsOneArrayAndOtherNewsIsItsOwn() {
        UUID member = UUID.randomUUID();
        byte[] first = {1, 2, 3};
        assertSame(first, Disseminator.shared(member, first));
        assertSame(first, Disseminator.shared(member, new byte[] {1, 2, 3}), "same bytes from another node");
        byte[] newer = {1, 2, 4};
        assertSame(newer, Disseminator.shared(member, newer), "a newer state replaces the shared one");
        assertSame(newer, Disseminator.shared(member, new byte[] {1, 2, 4}));
        byte[] other = {1, 2, 3};
        assertArrayEquals(other, Disseminator.shared(UUID.randomUUID(), other), "another member's news");
        byte[] large = new byte[Disseminator.MAX_SHARED_BYTES + 1];
        Disseminator.shared(member, large);
        assertNotSame(large, Disseminator.shared(member, new byte[Disseminator.MAX_SHARED_BYTES + 1]), "large items are not held");
    }
}
