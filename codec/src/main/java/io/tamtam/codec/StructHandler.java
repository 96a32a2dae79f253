package io.tamtam.codec;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.time.DateTimeException;
import java.util.Set;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.buffer.MessageBuffer;

/**
 * Records and plain classes: a MessagePack map from property name to value, so that properties can be
 * added, removed or reordered between versions. Unknown keys are skipped; missing ones keep their
 * absent value. The plan (names, handlers, accessors) is built on first use rather than in the
 * constructor, so that a type may refer to itself.
 */
abstract class StructHandler implements TypeHandler {

    /** The class being mapped. */
    protected final Class<?> type;

    private volatile Plan plan;
    private volatile String failure;

    /** @param type the record or plain class */
    StructHandler(Class<?> type) {
        this.type = type;
    }

    /**
     * Builds the plan; called once (or a few times under a race, with identical results).
     *
     * @return the plan
     * @throws UnsupportedTypeException when the class cannot be mapped
     */
    protected abstract Plan resolve() throws UnsupportedTypeException;

    @Override
    public final void write(MsgpackWriter out, Object value) throws IOException {
        Plan p = plan();
        int n = p.names.size();
        out.packer().packMapHeader(n);
        for (int i = 0; i < n; i++) {
            Object property;
            try {
                property = (Object) p.getters[i].invokeExact(value);
            } catch (Throwable t) {
                throw Reflection.failed("reading " + where(p, i), t);
            }
            out.writeName(p.names.utf8(i));
            try {
                out.writeValue(p.handlers[i], property);
            } catch (IOException | MessagePackException e) {
                throw new IOException(where(p, i) + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public final Object read(MsgpackReader in) throws IOException {
        Plan p = plan();
        int n = in.readMapHeader();
        Object partial = p.start();
        for (int i = 0; i < n; i++) {
            MessageBuffer key = in.readStringReference();
            int index = p.names.find(key, i);
            if (index < 0) {
                in.skipValue();
                continue;
            }
            Object value;
            try {
                value = in.readValue(p.handlers[index]);
            } catch (IOException | MessagePackException | DateTimeException | ArithmeticException e) {
                throw new IOException(where(p, index) + ": " + e.getMessage(), e);
            }
            p.set(partial, index, value);
        }
        return p.finish(partial);
    }

    @Override
    public final String problem(Set<TypeHandler> visiting) {
        if (!visiting.add(this)) {
            return null;
        }
        Plan p;
        try {
            p = plan();
        } catch (IOException e) {
            return e.getMessage();
        }
        for (int i = 0; i < p.handlers.length; i++) {
            String problem = p.handlers[i].problem(visiting);
            if (problem != null) {
                return where(p, i) + ": " + problem;
            }
        }
        return null;
    }

    private Plan plan() throws IOException {
        Plan p = plan;
        if (p != null) {
            return p;
        }
        String f = failure;
        if (f == null) {
            try {
                p = resolve();
                plan = p;
                return p;
            } catch (UnsupportedTypeException e) {
                f = e.getMessage();
                failure = f;
            }
        }
        throw new IOException(f);
    }

    private String where(Plan p, int index) {
        return type.getName() + "." + p.names.name(index);
    }

    /**
     * How to take one class apart and put it back together. Subclasses say how a decoded object is
     * assembled.
     */
    abstract static class Plan {

        /** The property names, in encoding order. */
        final NameTable names;
        /** The handler of each property's declared type. */
        final TypeHandler[] handlers;
        /** The {@code (Object)Object} reader of each property. */
        final MethodHandle[] getters;

        /**
         * @param names    property names
         * @param handlers their handlers
         * @param getters  their readers
         */
        Plan(NameTable names, TypeHandler[] handlers, MethodHandle[] getters) {
            this.names = names;
            this.handlers = handlers;
            this.getters = getters;
        }

        /**
         * @return the state to collect decoded properties into
         * @throws IOException when creating it runs user code that fails
         */
        abstract Object start() throws IOException;

        /**
         * @param partial the state from {@link #start()}
         * @param index   the property's index
         * @param value   its decoded value
         * @throws IOException when storing it fails
         */
        abstract void set(Object partial, int index, Object value) throws IOException;

        /**
         * @param partial the state with all decoded properties
         * @return the decoded object
         * @throws IOException when the object cannot be built from those values
         */
        abstract Object finish(Object partial) throws IOException;
    }
}
