package io.tamtam.codec;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;

/**
 * Reflective access, done once per type while plans are built: members are made accessible and turned
 * into method handles of erased signatures that the handlers call per message without lookups.
 */
final class Reflection {

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final MethodType SUPPLIER = MethodType.methodType(Object.class);
    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);
    private static final MethodType SETTER = MethodType.methodType(void.class, Object.class, Object.class);
    private static final MethodType SPREAD = MethodType.methodType(Object.class, Object[].class);

    private Reflection() {
    }

    /**
     * @param type a class
     * @return its no-argument constructor as a {@code ()Object} handle
     * @throws UnsupportedTypeException when there is none or it cannot be made accessible
     */
    static MethodHandle noArgConstructor(Class<?> type) throws UnsupportedTypeException {
        Constructor<?> constructor;
        try {
            constructor = type.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            throw new UnsupportedTypeException(type.getName() + " has no no-argument constructor; add one "
                    + "(any visibility) or make it a record");
        }
        accessible(constructor);
        try {
            return LOOKUP.unreflectConstructor(constructor).asType(SUPPLIER);
        } catch (IllegalAccessException e) {
            throw inaccessible(constructor);
        }
    }

    /**
     * @param constructor a constructor
     * @return it as an {@code (Object[])Object} handle taking all arguments in one array
     * @throws UnsupportedTypeException when it cannot be made accessible
     */
    static MethodHandle spreadConstructor(Constructor<?> constructor) throws UnsupportedTypeException {
        accessible(constructor);
        try {
            return LOOKUP.unreflectConstructor(constructor)
                    .asSpreader(Object[].class, constructor.getParameterCount())
                    .asType(SPREAD);
        } catch (IllegalAccessException e) {
            throw inaccessible(constructor);
        }
    }

    /**
     * @param accessor a no-argument instance method
     * @return it as an {@code (Object)Object} handle
     * @throws UnsupportedTypeException when it cannot be made accessible
     */
    static MethodHandle getter(Method accessor) throws UnsupportedTypeException {
        accessible(accessor);
        try {
            return LOOKUP.unreflect(accessor).asType(GETTER);
        } catch (IllegalAccessException e) {
            throw inaccessible(accessor);
        }
    }

    /**
     * @param field an instance field
     * @return its getter as {@code (Object)Object}
     * @throws UnsupportedTypeException when it cannot be made accessible
     */
    static MethodHandle getter(Field field) throws UnsupportedTypeException {
        accessible(field);
        try {
            return LOOKUP.unreflectGetter(field).asType(GETTER);
        } catch (IllegalAccessException e) {
            throw inaccessible(field);
        }
    }

    /**
     * @param field an instance field, final or not
     * @return its setter as {@code (Object, Object)void}
     * @throws UnsupportedTypeException when it cannot be made accessible
     */
    static MethodHandle setter(Field field) throws UnsupportedTypeException {
        accessible(field);
        try {
            return LOOKUP.unreflectSetter(field).asType(SETTER);
        } catch (IllegalAccessException e) {
            throw inaccessible(field);
        }
    }

    /**
     * Turns what a handle into user code (a constructor, accessor or setter) threw into an
     * {@link IOException}; errors are rethrown as they are.
     *
     * @param what   the code called, for the message
     * @param thrown what it threw
     * @return the exception to throw
     */
    static IOException failed(String what, Throwable thrown) {
        if (thrown instanceof Error) {
            throw (Error) thrown;
        }
        return new IOException(what + " threw " + thrown, thrown);
    }

    private static void accessible(AccessibleObject object) throws UnsupportedTypeException {
        if (!object.trySetAccessible()) {
            throw inaccessible((Member) object);
        }
    }

    private static UnsupportedTypeException inaccessible(Member member) {
        Class<?> owner = member.getDeclaringClass();
        return new UnsupportedTypeException("cannot access " + owner.getName() + "." + member.getName()
                + "; open package " + owner.getPackageName() + " to the tamtam-codec module");
    }
}
