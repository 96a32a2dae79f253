package io.tamtam.codec;

import java.io.IOException;
import java.lang.reflect.Array;
import java.util.Set;

/** Arrays other than {@code byte[]} (which is binary), as MessagePack arrays. */
final class ArrayHandler implements TypeHandler {

    private final Class<?> componentType;
    private final TypeHandler component;

    /**
     * @param componentType the array's component class
     * @param component     the handler of the (possibly generic) component type
     */
    ArrayHandler(Class<?> componentType, TypeHandler component) {
        this.componentType = componentType;
        this.component = component;
    }

    @Override
    public void write(MsgpackWriter out, Object value) throws IOException {
        int n = Array.getLength(value);
        out.packer().packArrayHeader(n);
        for (int i = 0; i < n; i++) {
            out.writeValue(component, Array.get(value, i));
        }
    }

    @Override
    public Object read(MsgpackReader in) throws IOException {
        int n = in.readArrayHeader();
        Object array = Array.newInstance(componentType, n);
        for (int i = 0; i < n; i++) {
            Array.set(array, i, in.readValue(component));
        }
        return array;
    }

    @Override
    public String problem(Set<TypeHandler> visiting) {
        String problem = component.problem(visiting);
        return problem == null ? null : componentType.getSimpleName() + "[] element: " + problem;
    }
}
