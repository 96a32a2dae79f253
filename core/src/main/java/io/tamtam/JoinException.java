package io.tamtam;

import java.util.List;

/**
 * No seed accepted the join. {@link #getSuppressed()} holds one exception per seed with its reason,
 * and the message lists them.
 */
public final class JoinException extends TamTamException {
    /**
     * @param message the summary
     * @param reasons one failure per seed
     */
    public JoinException(String message, List<? extends Throwable> reasons) {
        super(message);
        reasons.forEach(this::addSuppressed);
    }
}
