package io.mediamesh.launcher;

import java.net.URI;

/** How the launcher knows a started process is ready to serve. */
sealed interface Readiness {
    /** What is waited for, in a sentence's words. */
    String describe();

    /** Ready when a GET of {@code uri} answers 200 (a service's {@code /health}). */
    record Http(URI uri) implements Readiness {
        @Override
        public String describe() {
            return "200 from " + uri;
        }
    }

    /**
     * Ready once the process wrote {@code text} to its log in this run (the embedded database, which
     * has no health endpoint and says when it accepts connections).
     */
    record LogLine(String text) implements Readiness {
        @Override
        public String describe() {
            return "\"" + text + "\" in its log";
        }
    }
}
