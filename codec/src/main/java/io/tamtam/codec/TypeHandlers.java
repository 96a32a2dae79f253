package io.tamtam.codec;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Finds the handler of a type. Handlers of classes are built once and cached per class; handlers of
 * generic types (such as {@code List<Foo>}) are built while a record's or class's plan is built and
 * kept in that plan, so encoding and decoding never look anything up reflectively.
 */
final class TypeHandlers {

    private static final Map<Class<?>, TypeHandler> SCALARS = scalars();

    private static final ClassValue<TypeHandler> BY_CLASS = new ClassValue<>() {
        @Override
        protected TypeHandler computeValue(Class<?> type) {
            try {
                return create(type);
            } catch (UnsupportedTypeException e) {
                return new UnsupportedHandler(e.getMessage());
            }
        }
    };

    private static final ClassValue<String> PROBLEMS = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return BY_CLASS.get(type).problem(Collections.newSetFromMap(new IdentityHashMap<>()));
        }
    };

    private TypeHandlers() {
    }

    /**
     * @param type a class
     * @return its handler, possibly one that fails every use with the reason the class is not supported
     */
    static TypeHandler forClass(Class<?> type) {
        return BY_CLASS.get(type);
    }

    /**
     * @param type a class
     * @return why values of the class cannot be decoded, or null when they can
     */
    static String problem(Class<?> type) {
        return PROBLEMS.get(type);
    }

    /**
     * @param type a field's or record component's generic type
     * @return its handler
     */
    static TypeHandler forType(Type type) {
        if (type instanceof Class<?>) {
            return forClass((Class<?>) type);
        }
        if (type instanceof ParameterizedType) {
            ParameterizedType parameterized = (ParameterizedType) type;
            Class<?> raw = (Class<?>) parameterized.getRawType();
            Type[] arguments = parameterized.getActualTypeArguments();
            if (raw == Optional.class) {
                return new OptionalHandler(forType(arguments[0]));
            }
            boolean jdk = isJdk(raw);
            if (jdk && Collection.class.isAssignableFrom(raw) && arguments.length == 1) {
                return new CollectionHandler(raw, forType(arguments[0]));
            }
            if (jdk && Map.class.isAssignableFrom(raw) && arguments.length == 2) {
                return new MapHandler(raw, forType(arguments[0]), forType(arguments[1]));
            }
            return forClass(raw);
        }
        if (type instanceof GenericArrayType) {
            Type component = ((GenericArrayType) type).getGenericComponentType();
            return new ArrayHandler(rawClass(component), forType(component));
        }
        if (type instanceof TypeVariable<?> || type instanceof WildcardType) {
            return forClass(rawClass(type));
        }
        return new UnsupportedHandler("the type " + type + " is not supported");
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?>) {
            return (Class<?>) type;
        }
        if (type instanceof ParameterizedType) {
            return (Class<?>) ((ParameterizedType) type).getRawType();
        }
        if (type instanceof GenericArrayType) {
            return Array.newInstance(rawClass(((GenericArrayType) type).getGenericComponentType()), 0).getClass();
        }
        if (type instanceof TypeVariable<?>) {
            return rawClass(((TypeVariable<?>) type).getBounds()[0]);
        }
        if (type instanceof WildcardType) {
            return rawClass(((WildcardType) type).getUpperBounds()[0]);
        }
        return Object.class;
    }

    private static TypeHandler create(Class<?> type) throws UnsupportedTypeException {
        TypeHandler scalar = SCALARS.get(type);
        if (scalar != null) {
            return scalar;
        }
        if (type == Object.class) {
            return DynamicHandler.INSTANCE;
        }
        if (type.isArray()) {
            return new ArrayHandler(type.getComponentType(), forClass(type.getComponentType()));
        }
        if (Enum.class.isAssignableFrom(type) && type != Enum.class) {
            return type.isEnum() ? new EnumHandler(type) : forClass(type.getSuperclass());
        }
        if (type == Optional.class) {
            return new OptionalHandler(DynamicHandler.INSTANCE);
        }
        if (Collection.class.isAssignableFrom(type)) {
            return new CollectionHandler(type, DynamicHandler.INSTANCE);
        }
        if (Map.class.isAssignableFrom(type)) {
            return new MapHandler(type, DynamicHandler.INSTANCE, DynamicHandler.INSTANCE);
        }
        if (type.isPrimitive()) {
            throw new UnsupportedTypeException(type + " has no values");
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new UnsupportedTypeException(type.getName() + " is an interface or abstract class; declare a "
                    + "record, a concrete class, a List, Set, Collection or Map instead");
        }
        if (type.isHidden() || type.isAnonymousClass() || type.isSynthetic()) {
            throw new UnsupportedTypeException(type.getName() + " is an anonymous, hidden or lambda class; "
                    + "use a record or a named class");
        }
        if (isJdk(type)) {
            throw new UnsupportedTypeException(type.getName() + " is a JDK class the codec has no mapping for; "
                    + "use a primitive, String, byte[], UUID, Instant, Duration, a collection or a record");
        }
        if (type.isRecord()) {
            return new RecordHandler(type);
        }
        return new PlainClassHandler(type, Reflection.noArgConstructor(type));
    }

    private static boolean isJdk(Class<?> type) {
        String name = type.getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.");
    }

    private static Map<Class<?>, TypeHandler> scalars() {
        Map<Class<?>, TypeHandler> map = new HashMap<>();
        map.put(Boolean.class, Scalar.BOOLEAN);
        map.put(Byte.class, Scalar.BYTE);
        map.put(Short.class, Scalar.SHORT);
        map.put(Character.class, Scalar.CHAR);
        map.put(Integer.class, Scalar.INT);
        map.put(Long.class, Scalar.LONG);
        map.put(Float.class, Scalar.FLOAT);
        map.put(Double.class, Scalar.DOUBLE);
        map.put(boolean.class, new PrimitiveHandler(Scalar.BOOLEAN, false));
        map.put(byte.class, new PrimitiveHandler(Scalar.BYTE, (byte) 0));
        map.put(short.class, new PrimitiveHandler(Scalar.SHORT, (short) 0));
        map.put(char.class, new PrimitiveHandler(Scalar.CHAR, (char) 0));
        map.put(int.class, new PrimitiveHandler(Scalar.INT, 0));
        map.put(long.class, new PrimitiveHandler(Scalar.LONG, 0L));
        map.put(float.class, new PrimitiveHandler(Scalar.FLOAT, 0f));
        map.put(double.class, new PrimitiveHandler(Scalar.DOUBLE, 0d));
        map.put(String.class, Scalar.STRING);
        map.put(byte[].class, Scalar.BYTES);
        map.put(UUID.class, Scalar.UUID_VALUE);
        map.put(Instant.class, Scalar.INSTANT);
        map.put(Duration.class, Scalar.DURATION);
        return map;
    }
}
