package io.tamtam.codec;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/** {@link Optional}: nil when empty, otherwise the content; a missing entry decodes to empty. */
final class OptionalHandler implements TypeHandler {

    private final TypeHandler content;

    /** @param content the handler of the content type */
    OptionalHandler(TypeHandler content) {
        this.content = content;
    }

    @Override
    public void write(MsgpackWriter out, Object value) throws IOException {
        out.writeValue(content, ((Optional<?>) value).orElse(null));
    }

    @Override
    public Object read(MsgpackReader in) throws IOException {
        return Optional.ofNullable(content.read(in));
    }

    @Override
    public Object absent() {
        return Optional.empty();
    }

    @Override
    public String problem(Set<TypeHandler> visiting) {
        String problem = content.problem(visiting);
        return problem == null ? null : "Optional content: " + problem;
    }
}
