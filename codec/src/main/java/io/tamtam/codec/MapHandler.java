package io.tamtam.codec;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Maps with keys of any supported type, as MessagePack maps. Decoding creates LinkedHashMap for Map,
 * TreeMap for SortedMap, ConcurrentHashMap for ConcurrentMap, and otherwise the declared class through
 * its no-argument constructor.
 */
final class MapHandler implements TypeHandler {

    private final Class<?> type;
    private final ContainerFactory<Map<Object, Object>> factory;
    private final String noFactory;
    private final TypeHandler key;
    private final TypeHandler value;

    /**
     * @param type  the declared map class or interface
     * @param key   the handler of the key type
     * @param value the handler of the value type
     */
    MapHandler(Class<?> type, TypeHandler key, TypeHandler value) {
        this.type = type;
        this.key = key;
        this.value = value;
        ContainerFactory<Map<Object, Object>> made = null;
        String why = null;
        try {
            made = factory(type);
        } catch (UnsupportedTypeException e) {
            why = e.getMessage();
        }
        this.factory = made;
        this.noFactory = why;
    }

    @Override
    public void write(MsgpackWriter out, Object object) throws IOException {
        Map<?, ?> map = (Map<?, ?>) object;
        int n = map.size();
        out.packer().packMapHeader(n);
        Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
        for (int i = 0; i < n; i++) {
            if (!it.hasNext()) {
                throw changed();
            }
            Map.Entry<?, ?> entry = it.next();
            out.writeValue(key, entry.getKey());
            out.writeValue(value, entry.getValue());
        }
        if (it.hasNext()) {
            throw changed();
        }
    }

    @Override
    public Object read(MsgpackReader in) throws IOException {
        if (factory == null) {
            throw new IOException(noFactory);
        }
        int n = in.readMapHeader();
        Map<Object, Object> map = factory.create(n);
        for (int i = 0; i < n; i++) {
            Object k = in.readValue(key);
            Object v = in.readValue(value);
            try {
                map.put(k, v);
            } catch (RuntimeException e) {
                throw new IOException(type.getName() + " rejected entry " + i + ": " + e, e);
            }
        }
        return map;
    }

    @Override
    public String problem(Set<TypeHandler> visiting) {
        if (factory == null) {
            return noFactory;
        }
        String problem = key.problem(visiting);
        if (problem != null) {
            return type.getSimpleName() + " key: " + problem;
        }
        problem = value.problem(visiting);
        return problem == null ? null : type.getSimpleName() + " value: " + problem;
    }

    private IOException changed() {
        return new IOException("the " + type.getName() + " changed while it was being encoded; "
                + "encode a map nobody modifies concurrently");
    }

    private static ContainerFactory<Map<Object, Object>> factory(Class<?> type) throws UnsupportedTypeException {
        if (type.isAssignableFrom(LinkedHashMap.class)) {
            return n -> new LinkedHashMap<>(Math.max(16, n + n / 3 + 1));
        }
        if (type == SortedMap.class || type == NavigableMap.class || type == TreeMap.class) {
            return n -> new TreeMap<>();
        }
        if (type == ConcurrentMap.class || type == ConcurrentHashMap.class) {
            return ConcurrentHashMap::new;
        }
        if (type == ConcurrentNavigableMap.class || type == ConcurrentSkipListMap.class) {
            return n -> new ConcurrentSkipListMap<>();
        }
        if (type.isInterface() || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
            throw new UnsupportedTypeException("cannot create a " + type.getName() + " when decoding; declare "
                    + "the field as " + Map.class.getName() + " or a concrete map class");
        }
        try {
            return ContainerFactory.of(Reflection.noArgConstructor(type), type);
        } catch (UnsupportedTypeException e) {
            throw new UnsupportedTypeException("cannot create a " + type.getName() + " when decoding ("
                    + e.getMessage() + "); declare the field as Map or a concrete map class");
        }
    }
}
