package io.tamtam.codec;

import java.io.IOException;
import java.lang.invoke.MethodHandle;

/**
 * Creates the collection or map a decoder fills.
 *
 * @param <T> the container type
 */
@FunctionalInterface
interface ContainerFactory<T> {

    /**
     * @param size how many entries will be added, already counted, with the sizes of all
     *             other containers of the same input, against its length
     * @return an empty, modifiable container
     * @throws IOException when the container's constructor fails
     */
    T create(int size) throws IOException;

    /**
     * @param constructor a {@code ()Object} constructor handle
     * @param type        the class it creates, for messages
     * @param <T>         the container type
     * @return a factory calling the constructor
     */
    @SuppressWarnings("unchecked")
    static <T> ContainerFactory<T> of(MethodHandle constructor, Class<?> type) {
        return size -> {
            try {
                return (T) (Object) constructor.invokeExact();
            } catch (Throwable t) {
                throw Reflection.failed("the constructor of " + type.getName(), t);
            }
        };
    }
}
