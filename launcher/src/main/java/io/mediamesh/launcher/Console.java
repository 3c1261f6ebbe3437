package io.mediamesh.launcher;

import java.io.PrintStream;
import java.util.List;

/**
 * Where the launcher talks to its operator: progress on {@code out}, trouble on {@code err}, every line
 * prefixed {@code mediamesh: } as the script's own messages are.
 */
record Console(PrintStream out, PrintStream err) {
    static Console system() {
        return new Console(System.out, System.err);
    }

    void say(String message) {
        out.println("mediamesh: " + message);
        out.flush();
    }

    void warn(String message) {
        err.println("mediamesh: " + message);
        err.flush();
    }

    /** Lines as they are, e.g. a log's tail or the summary. */
    void print(List<String> lines) {
        lines.forEach(out::println);
        out.flush();
    }
}
