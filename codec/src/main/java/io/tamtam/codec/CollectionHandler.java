package io.tamtam.codec;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Queue;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Collections, as MessagePack arrays. Decoding creates ArrayList for List and Collection, LinkedHashSet
 * for Set, TreeSet for SortedSet, ArrayDeque for Queue, and otherwise the declared class through its
 * no-argument constructor; classes without one (such as {@code List.of} results) encode but do not
 * decode.
 */
final class CollectionHandler implements TypeHandler {

    private final Class<?> type;
    private final ContainerFactory<Collection<Object>> factory;
    private final String noFactory;
    private final TypeHandler element;

    /**
     * @param type    the declared collection class or interface
     * @param element the handler of the element type
     */
    CollectionHandler(Class<?> type, TypeHandler element) {
        this.type = type;
        this.element = element;
        ContainerFactory<Collection<Object>> made = null;
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
    public void write(MsgpackWriter out, Object value) throws IOException {
        Collection<?> collection = (Collection<?>) value;
        int n = collection.size();
        out.packer().packArrayHeader(n);
        Iterator<?> it = collection.iterator();
        for (int i = 0; i < n; i++) {
            if (!it.hasNext()) {
                throw changed();
            }
            out.writeValue(element, it.next());
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
        int n = in.readArrayHeader();
        Collection<Object> collection = factory.create(n);
        for (int i = 0; i < n; i++) {
            Object value = in.readValue(element);
            try {
                collection.add(value);
            } catch (RuntimeException e) {
                throw new IOException(type.getName() + " rejected element " + i + ": " + e, e);
            }
        }
        return collection;
    }

    @Override
    public String problem(Set<TypeHandler> visiting) {
        if (factory == null) {
            return noFactory;
        }
        String problem = element.problem(visiting);
        return problem == null ? null : type.getSimpleName() + " element: " + problem;
    }

    private IOException changed() {
        return new IOException("the " + type.getName() + " changed while it was being encoded; "
                + "encode a collection nobody modifies concurrently");
    }

    private static ContainerFactory<Collection<Object>> factory(Class<?> type) throws UnsupportedTypeException {
        if (type.isAssignableFrom(ArrayList.class)) {
            return ArrayList::new;
        }
        if (type.isAssignableFrom(LinkedHashSet.class)) {
            return n -> new LinkedHashSet<>(Math.max(16, n + n / 3 + 1));
        }
        if (type == SortedSet.class || type == NavigableSet.class || type == TreeSet.class) {
            return n -> new TreeSet<>();
        }
        if (type.isAssignableFrom(ArrayDeque.class)) {
            return ArrayDeque::new;
        }
        if (type.isInterface() || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
            throw new UnsupportedTypeException("cannot create a " + type.getName() + " when decoding; declare "
                    + "the field as " + List.class.getName() + ", " + Set.class.getName() + ", "
                    + Queue.class.getName() + " or a concrete collection class");
        }
        try {
            return ContainerFactory.of(Reflection.noArgConstructor(type), type);
        } catch (UnsupportedTypeException e) {
            throw new UnsupportedTypeException("cannot create a " + type.getName() + " when decoding ("
                    + e.getMessage() + "); declare the field as List, Set or a concrete collection class");
        }
    }
}
