package io.mediamesh.config.validate;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.render.CoturnAllowlist;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * coturn has no check option, so a copy of turnserver.conf runs for a moment on loopback:
 * {@code timeout -s INT <trial> turnserver -c COPY}. Exit 124 means it was still running, so it
 * started; 255 is a fatal error. coturn reports unknown keys ("Bad configuration format: KEY") and
 * bad accounts ("ERROR: ...") but keeps running, so the output is scanned for them too. The copy's
 * addresses, ports, pid file, database and logging are rewritten for loopback and a temporary
 * folder, so the trial never collides with the real server.
 */
public final class CoturnTrialValidator implements ConfigValidator {
    /** Settings the trial replaces: where it listens, what it writes, and what would outlive it. */
    private static final Set<String> REPLACED = Set.of(
            "listening-ip", "relay-ip", "external-ip", "listening-port", "tls-listening-port", "alt-listening-port",
            "alt-tls-listening-port", "pidfile", "userdb", "db", "log-file", "no-stdout-log", "syslog",
            "simple-log", "cli-ip", "cli-port", "no-cli", "web-admin", "web-admin-ip", "web-admin-port", "prometheus",
            "prometheus-port", "daemon", "proc-user", "proc-group", "no-tls", "no-dtls");
    private static final int TIMED_OUT = 124;

    private final ValidationTools tools;

    public CoturnTrialValidator(ValidationTools tools) {
        this.tools = tools;
    }

    @Override
    public ValidationResult validate(Path folder) {
        ToolProcess.requireInstalled(tools.turnserver(), "coturn");
        ToolProcess.requireInstalled(tools.timeout(), "coreutils");
        Path file = folder.resolve(ConfigKinds.COTURN_FILE);
        if (!Files.isRegularFile(file)) {
            return new ValidationResult(false, ConfigKinds.COTURN_FILE + " is missing.", -1);
        }
        Path trial = ToolProcess.tempFolder("coturn-check");
        try {
            Path copy = trial.resolve(ConfigKinds.COTURN_FILE);
            Files.writeString(copy, loopbackCopy(Files.readString(file, StandardCharsets.UTF_8), trial),
                              StandardCharsets.UTF_8);
            String seconds = String.format(Locale.ROOT, "%.3f", tools.coturnTrial().toMillis() / 1000.0);
            ToolProcess.Run run = ToolProcess.run(
                    List.of(tools.timeout().toString(), "-s", "INT", seconds, tools.turnserver().toString(), "-c",
                            copy.toString()),
                    trial, tools.deadline());
            List<String> problems = run.output().lines()
                                       .filter(line -> line.contains("Bad configuration format") ||
                                                       line.contains("ERROR:"))
                                       .toList();
            boolean ok = run.exitCode() == TIMED_OUT && problems.isEmpty();
            String output = ok || problems.isEmpty() ? run.output() : String.join("\n", problems) + "\n\n" +
                                                                      run.output();
            return new ValidationResult(ok, ToolProcess.trim(output), run.exitCode());
        } catch (IOException e) {
            throw new MediameshException(ErrorCode.INTERNAL_ERROR, "Cannot prepare coturn's trial run: " +
                                                                   e.getMessage(), e);
        } finally {
            ToolProcess.deleteRecursively(trial);
        }
    }

    /** The file without the settings the trial replaces, then the trial's own. */
    private static String loopbackCopy(String original, Path trial) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : original.split("\n", -1)) {
            if (!REPLACED.contains(CoturnAllowlist.key(line))) {
                lines.add(line);
            }
        }
        lines.add("# Trial run on loopback (mediamesh validation)");
        lines.add("listening-ip=127.0.0.1");
        lines.add("relay-ip=127.0.0.1");
        lines.add("listening-port=" + ToolProcess.freeLoopbackPort());
        lines.add("no-tls");
        lines.add("no-dtls");
        lines.add("no-cli");
        lines.add("log-file=stdout");
        lines.add("pidfile=" + trial.resolve("turnserver.pid"));
        lines.add("userdb=" + trial.resolve("turndb"));
        return String.join("\n", lines) + '\n';
    }
}
