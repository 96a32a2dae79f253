package io.tamtam.agent;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs one {@code tamtam} command line in this JVM, capturing its output and exit code. */
record Cli(int exit, String out, String err) {

    static Cli run(String... args) {
        return run(Map.of(), args);
    }

    static Cli run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            code = Main.run(args, env, o, e);
        }
        return new Cli(code, out.toString(), err.toString());
    }

    /** @return this, after checking that the command succeeded */
    Cli ok() {
        if (exit != 0) {
            throw new AssertionError("exit " + exit + ", stderr: " + err + ", stdout: " + out);
        }
        return this;
    }
}
