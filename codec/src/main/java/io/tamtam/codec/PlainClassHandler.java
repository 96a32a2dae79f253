package io.tamtam.codec;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Plain classes, by field name: every non-static, non-transient field of the class and its
 * superclasses, of any visibility. Decoding calls the no-argument constructor and then sets the fields
 * present in the input, so a field missing from the input keeps the value the constructor gave it.
 */
final class PlainClassHandler extends StructHandler {

    private final MethodHandle constructor;

    /**
     * @param type        a concrete class
     * @param constructor its no-argument constructor as {@code ()Object}
     */
    PlainClassHandler(Class<?> type, MethodHandle constructor) {
        super(type);
        this.constructor = constructor;
    }

    @Override
    protected Plan resolve() throws UnsupportedTypeException {
        List<Field> fields = new ArrayList<>();
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            hierarchy.add(0, c);
        }
        Set<String> seen = new HashSet<>();
        for (Class<?> c : hierarchy) {
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.isSynthetic()) {
                    continue;
                }
                if (!seen.add(field.getName())) {
                    throw new UnsupportedTypeException(type.getName() + " has two fields named " + field.getName()
                            + "; rename one or mark it transient");
                }
                fields.add(field);
            }
        }
        int n = fields.size();
        List<String> names = new ArrayList<>(n);
        TypeHandler[] handlers = new TypeHandler[n];
        MethodHandle[] getters = new MethodHandle[n];
        MethodHandle[] setters = new MethodHandle[n];
        for (int i = 0; i < n; i++) {
            Field field = fields.get(i);
            names.add(field.getName());
            handlers[i] = TypeHandlers.forType(field.getGenericType());
            getters[i] = Reflection.getter(field);
            setters[i] = Reflection.setter(field);
        }
        return new FieldPlan(new NameTable(names), handlers, getters, setters, constructor, type);
    }

    /** Creates the instance first and sets each decoded field on it. */
    private static final class FieldPlan extends Plan {

        private final MethodHandle[] setters;
        private final MethodHandle constructor;
        private final Class<?> type;

        FieldPlan(NameTable names, TypeHandler[] handlers, MethodHandle[] getters, MethodHandle[] setters,
                MethodHandle constructor, Class<?> type) {
            super(names, handlers, getters);
            this.setters = setters;
            this.constructor = constructor;
            this.type = type;
        }

        @Override
        Object start() throws IOException {
            try {
                return (Object) constructor.invokeExact();
            } catch (Throwable t) {
                throw Reflection.failed("the constructor of " + type.getName(), t);
            }
        }

        @Override
        void set(Object partial, int index, Object value) throws IOException {
            try {
                setters[index].invokeExact(partial, value);
            } catch (Throwable t) {
                throw Reflection.failed("setting " + type.getName() + "." + names.name(index), t);
            }
        }

        @Override
        Object finish(Object partial) {
            return partial;
        }
    }
}
