package io.tamtam.agent;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/** The agent's own log: lines on standard error, with a level that {@code tamtam configure} changes at run time. */
final class AgentLog {
    enum Level { ERROR, WARN, INFO, DEBUG, TRACE }

    private final PrintStream out;
    private volatile Level level;

    AgentLog(PrintStream out, Level level) {
        this.out = out;
        this.level = level;
    }

    static Level parse(String name) {
        try {
            return Level.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown log level '" + name + "': use error, warn, info, debug or trace");
        }
    }

    Level level() {
        return level;
    }

    void level(Level l) {
        level = l;
    }

    boolean enabled(Level l) {
        return l.ordinal() <= level.ordinal();
    }

    void log(Level l, String message) {
        if (enabled(l)) {
            synchronized (out) {
                out.println(Instant.now() + " [" + l + "] " + message);
            }
        }
    }

    void info(String message) {
        log(Level.INFO, message);
    }

    void warn(String message) {
        log(Level.WARN, message);
    }

    void debug(String message) {
        log(Level.DEBUG, message);
    }
}
