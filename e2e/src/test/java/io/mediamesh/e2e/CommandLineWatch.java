package io.mediamesh.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every command line seen on this machine while it runs, as {@code ps -eo args} would show it to
 * any user: /proc is read every few milliseconds, so that even a short-lived curl or jq is caught.
 */
final class CommandLineWatch implements AutoCloseable {
    private static final Path PROC = Path.of("/proc");

    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    private CommandLineWatch() {
        thread = new Thread(this::watch, "command-line-watch");
        thread.setDaemon(true);
    }

    static CommandLineWatch start() {
        CommandLineWatch watch = new CommandLineWatch();
        watch.thread.start();
        return watch;
    }

    /** The distinct command lines seen so far, arguments separated by spaces. */
    Set<String> commandLines() {
        return Set.copyOf(seen);
    }

    private void watch() {
        while (running) {
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
                for (Path process : processes) {
                    read(process.resolve("cmdline"));
                }
                Thread.sleep(5);
            } catch (IOException e) {
                // /proc itself is always there; a listing cut short is read again next round.
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void read(Path cmdline) {
        try {
            byte[] bytes = Files.readAllBytes(cmdline);
            if (bytes.length > 0) {
                seen.add(new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ').trim());
            }
        } catch (IOException e) {
            // The process ended between the listing and the read.
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
    }
}
