package io.mediamesh.launcher;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A stand-in for a service, run by the tests as a child process of {@link LocalMesh}:
 * {@code FakeService NAME EVENTS MODE}, its port in {@code FAKE_PORT}. It notes "started NAME" and, on
 * SIGTERM, "stopped NAME" in the EVENTS file, so that tests see the order of starts and stops.
 *
 * <p>Modes: {@code ready} serves 200 on /health; {@code crash-when-ready} serves it, then exits with 4
 * half a second later; {@code never-ready} runs without listening; {@code exit} exits with 3 at once.
 */
public final class FakeService {
    private FakeService() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        String name = args[0];
        Path events = Path.of(args[1]);
        String mode = args[2];
        switch (mode) {
            case "exit" -> {
                System.out.println(name + ": port already taken, giving up");
                System.exit(3);
            }
            case "never-ready" -> {
                System.out.println(name + ": cannot reach its database, still trying");
                Thread.sleep(Long.MAX_VALUE);
            }
            default -> { }
        }
        HttpServer server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(System.getenv("FAKE_PORT"))), 0);
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            note(events, "stopped " + name);
        }));
        server.start();
        note(events, "started " + name);
        System.out.println(name + ": ready");
        if (mode.equals("crash-when-ready")) {
            Thread.sleep(500);
            Runtime.getRuntime().halt(4);
        }
    }

    /** One line, appended in one write, so lines of several processes do not mix. */
    private static void note(Path events, String line) {
        try {
            Files.writeString(events, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                              StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
