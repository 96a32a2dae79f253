package io.tamtam.agent;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** One-line messages for failures. */
final class Errors {
    private Errors() {
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static String message(Throwable t) {
        Throwable u = unwrap(t);
        String m = u.getMessage();
        return m == null || m.isBlank() ? u.getClass().getSimpleName() : m.replace('\n', ' ');
    }
}
