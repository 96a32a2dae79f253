package io.tamtam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tamtam.codec.Payloads.Abstract;
import io.tamtam.codec.Payloads.Account;
import io.tamtam.codec.Payloads.ArrayKinds;
import io.tamtam.codec.Payloads.CollectionKinds;
import io.tamtam.codec.Payloads.Color;
import io.tamtam.codec.Payloads.Dynamic;
import io.tamtam.codec.Payloads.Generic;
import io.tamtam.codec.Payloads.Holder;
import io.tamtam.codec.Payloads.Inner;
import io.tamtam.codec.Payloads.NoDefaultConstructor;
import io.tamtam.codec.Payloads.Op;
import io.tamtam.codec.Payloads.Optionals;
import io.tamtam.codec.Payloads.Point;
import io.tamtam.codec.Payloads.Primitives;
import io.tamtam.codec.Payloads.Scalars;
import io.tamtam.codec.Payloads.Shadowing;
import io.tamtam.codec.Payloads.Tree;
import io.tamtam.codec.Payloads.WithInterface;
import io.tamtam.codec.Payloads.WithNested;
import io.tamtam.codec.Payloads.WithThread;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.AbstractSequentialList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MsgpackCodecSupportsTest {

    private final MsgpackCodec codec = new MsgpackCodec();

    @Test
    void supportedTypes() {
        List<Class<?>> supported = List.of(int.class, Integer.class, long.class, boolean.class, char.class,
                double.class, String.class, byte[].class, int[].class, String[][].class, UUID.class, Instant.class,
                Duration.class, Color.class, Op.class, Op.ADD.getClass(), List.class, Set.class, Collection.class,
                Map.class, ArrayList.class, HashMap.class, Optional.class, Object.class, Primitives.class,
                Scalars.class, ArrayKinds.class, CollectionKinds.class, Optionals.class, Tree.class, Generic.class,
                Dynamic.class, Point.class, Account.class, Holder.class, Point[].class, Payloads.hiddenClass());
        for (Class<?> type : supported) {
            assertTrue(codec.supports(type), type.getName());
        }
    }

    @Test
    void unsupportedTypes() {
        List<Class<?>> unsupported = List.of(Runnable.class, Serializable.class, Abstract.class, Number.class,
                NoDefaultConstructor.class, Inner.class, Shadowing.class, WithInterface.class, WithNested.class,
                WithThread.class, Thread.class, LocalDate.class, void.class, Void.class, AbstractSequentialList.class,
                List.of().getClass(), Runnable[].class, Enum.class, Record.class);
        for (Class<?> type : unsupported) {
            assertEquals(false, codec.supports(type), type.getName());
        }
        assertEquals(false, codec.supports(null));
        Runnable lambda = () -> { };
        assertEquals(false, codec.supports(lambda.getClass()));
    }

    @Test
    void unsupportedValuesFailWithAnExplanation() {
        IOException e = assertThrows(IOException.class, () -> codec.encode(new WithInterface(() -> { })));
        assertTrue(e.getMessage().contains("WithInterface.task"), e.getMessage());
        IOException decode = assertThrows(IOException.class,
                () -> codec.decode(new byte[] {(byte) 0x80}, 0, 1, NoDefaultConstructor.class));
        assertTrue(decode.getMessage().contains("no-argument constructor"), decode.getMessage());
        IOException nested = assertThrows(IOException.class,
                () -> codec.decode(new byte[] {(byte) 0x80}, 0, 1, Shadowing.class));
        assertTrue(nested.getMessage().contains("two fields named id"), nested.getMessage());
    }

    @Test
    void immutableCollectionsEncodeEvenThoughTheyCannotBeDecodedAsThemselves() throws IOException {
        byte[] bytes = codec.encode(List.of(1, 2));
        assertEquals(List.of(1, 2), codec.decode(bytes, 0, bytes.length, List.class));
    }
}
