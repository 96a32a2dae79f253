package io.tamtam.codec;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * Records, by component name, through the canonical constructor; a component missing from the input
 * gets its absent value (null, zero, false or an empty Optional). A compact constructor that rejects
 * the values makes decoding fail with an {@link IOException}.
 */
final class RecordHandler extends StructHandler {

    /** @param type a record class */
    RecordHandler(Class<?> type) {
        super(type);
    }

    @Override
    protected Plan resolve() throws UnsupportedTypeException {
        RecordComponent[] components = type.getRecordComponents();
        int n = components.length;
        List<String> names = new ArrayList<>(n);
        TypeHandler[] handlers = new TypeHandler[n];
        MethodHandle[] getters = new MethodHandle[n];
        Class<?>[] parameterTypes = new Class<?>[n];
        Object[] defaults = new Object[n];
        for (int i = 0; i < n; i++) {
            RecordComponent component = components[i];
            names.add(component.getName());
            handlers[i] = TypeHandlers.forType(component.getGenericType());
            getters[i] = Reflection.getter(component.getAccessor());
            parameterTypes[i] = component.getType();
            defaults[i] = handlers[i].absent();
        }
        MethodHandle constructor;
        try {
            constructor = Reflection.spreadConstructor(type.getDeclaredConstructor(parameterTypes));
        } catch (NoSuchMethodException e) {
            throw new UnsupportedTypeException("record " + type.getName() + " has no canonical constructor");
        }
        return new RecordPlan(new NameTable(names), handlers, getters, constructor, defaults, type);
    }

    /** Collects the components into an argument array for the canonical constructor. */
    private static final class RecordPlan extends Plan {

        private final MethodHandle constructor;
        private final Object[] defaults;
        private final Class<?> type;

        RecordPlan(NameTable names, TypeHandler[] handlers, MethodHandle[] getters, MethodHandle constructor,
                Object[] defaults, Class<?> type) {
            super(names, handlers, getters);
            this.constructor = constructor;
            this.defaults = defaults;
            this.type = type;
        }

        @Override
        Object start() {
            return defaults.clone();
        }

        @Override
        void set(Object partial, int index, Object value) {
            ((Object[]) partial)[index] = value;
        }

        @Override
        Object finish(Object partial) throws IOException {
            try {
                return (Object) constructor.invokeExact((Object[]) partial);
            } catch (Throwable t) {
                throw Reflection.failed("the constructor of " + type.getName(), t);
            }
        }
    }
}
