package io.mediamesh.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** How the launcher knows a started process is ready to serve. */
sealed interface Readiness {
    /** What is waited for, in a sentence's words. */
    String describe();

    /** Ready when a GET of {@code uri} answers 200 (a service's {@code /health}). */
    record Http(URI uri) implements Readiness {
        private static final Duration CALL = Duration.ofSeconds(2);

        @Override
        public String describe() {
            return "200 from " + uri;
        }

        /** True when a GET of {@code uri} answers 200 now (one call). */
        boolean answers(HttpClient http) throws InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(CALL).GET().build();
            try {
                return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
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
