package io.mediamesh.media.room;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * janus-pp-rec and ffmpeg, run as processes with argument lists (no shell), each within a time
 * limit, their output captured into a file beside their work and told, trimmed, when they fail.
 * Blocking: run on a thread of the conversion worker.
 */
public final class RecordingTools {
    /** Characters of a tool's output kept in a failure's message: its end, where tools say why. */
    static final int MAX_OUTPUT = 600;
    private static final int TAIL_BYTES = 16 * 1024;
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    private final String janusPpRec;
    private final String ffmpeg;
    private final Duration timeout;

    public RecordingTools(String janusPpRec, String ffmpeg, Duration timeout) {
        this.janusPpRec = janusPpRec;
        this.ffmpeg = ffmpeg;
        this.timeout = timeout;
    }

    /**
     * Extracts one recorded stream: a video .mjr (VP8/VP9) into {@code target} named .webm, an
     * audio one (Opus) into .opus; janus-pp-rec picks the format by the target's extension.
     */
    public void extract(Path mjr, Path target) {
        run("janus-pp-rec", List.of(janusPpRec, mjr.toString(), target.toString()), target);
    }

    /** Muxes a video track and/or an audio track into one WebM, copying the streams (no re-encoding). */
    public void mux(Optional<Path> video, Optional<Path> audio, Path target) {
        List<String> command = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error",
                                                       "-y"));
        video.ifPresent(v -> command.addAll(List.of("-i", v.toString())));
        audio.ifPresent(a -> command.addAll(List.of("-i", a.toString())));
        int input = 0;
        if (video.isPresent()) {
            command.addAll(List.of("-map", input++ + ":v:0"));
        }
        if (audio.isPresent()) {
            command.addAll(List.of("-map", input + ":a:0"));
        }
        command.addAll(List.of("-c", "copy", "-f", "webm", target.toString()));
        run("ffmpeg", command, target);
    }

    /**
     * Runs a tool that writes {@code target}; its output goes to {@code target}.log. Fails with a
     * permanent {@link ToolFailure} when it exits with another code than 0 or writes nothing, and
     * with a passing one when it cannot be started or runs past the time limit.
     */
    private void run(String name, List<String> command, Path target) {
        Path log = target.resolveSibling(target.getFileName() + ".log");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                                                 .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                                                 .start();
        } catch (IOException e) {
            throw new ToolFailure(false, name + " cannot be started: " + e.getMessage());
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                stop(process);
                throw new ToolFailure(false, name + " did not finish within " + timeout + '.');
            }
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            throw new ToolFailure(false, name + " was stopped: media-svc is shutting down.");
        }
        int exit = process.exitValue();
        if (exit != 0) {
            throw new ToolFailure(true, name + " failed (exit code " + exit + "): " + output(log));
        }
        try {
            if (!Files.exists(target) || Files.size(target) == 0) {
                throw new ToolFailure(true, name + " wrote nothing: " + output(log));
            }
        } catch (IOException e) {
            throw new ToolFailure(false, name + "'s output cannot be read: " + e.getMessage());
        }
    }

    private static void stop(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The end of a tool's output on one line, without terminal colours. */
    static String output(Path log) {
        String text;
        try (SeekableByteChannel channel = Files.newByteChannel(log)) {
            // The end is enough, whatever a tool wrote before it; bytes that are not UTF-8 are replaced.
            ByteBuffer tail = ByteBuffer.allocate((int) Math.min(channel.size(), TAIL_BYTES));
            channel.position(channel.size() - tail.capacity());
            while (tail.hasRemaining() && channel.read(tail) > 0) {
                // Reads until the tail is full.
            }
            text = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output)";
        }
        String line = SPACE.matcher(ANSI.matcher(text).replaceAll("")).replaceAll(" ").trim();
        if (line.isEmpty()) {
            return "(no output)";
        }
        return line.length() <= MAX_OUTPUT ? line : "..." + line.substring(line.length() - MAX_OUTPUT);
    }

    /** A tool that failed; a permanent failure will fail again on the same files. */
    public static final class ToolFailure extends RuntimeException {
        private final boolean permanent;

        ToolFailure(boolean permanent, String message) {
            super(message);
            this.permanent = permanent;
        }

        public boolean permanent() {
            return permanent;
        }
    }
}
