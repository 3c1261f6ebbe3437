package io.mediamesh.config.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.config.ConfigKinds;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The semantic Janus check: janus-cfgconv only catches syntax, while Janus itself refuses a bad
 * janus.jcfg at start. A copy of the files runs as a throwaway instance,
 * {@code janus -C COPY/janus.jcfg -F COPY -N -o}, rewritten for loopback: HTTP and admin APIs on
 * spare 127.0.0.1 ports (no ACL, no HTTPS), interface 127.0.0.1, no STUN (Janus exits with
 * "Invalid STUN address" when its STUN server does not answer), logging to a file in the copy's
 * folder, never daemonized. It passes when GET <base_path>/info answers 200 within
 * {@code janus-start} and lists every plugin the files configure (a janus.plugin.X.jcfg not
 * disabled in janus.jcfg). The instance is always stopped (SIGTERM, SIGKILL after 2 s) and the copy
 * removed.
 */
public final class JanusInstanceValidator implements ConfigValidator {
    private static final Pattern SECTION = Pattern.compile("^\\s*([A-Za-z0-9_]+)\\s*:\\s*\\{");
    private static final Pattern SETTING = Pattern.compile("^\\s*([A-Za-z0-9_]+)\\s*=\\s*(.*?)\\s*$");
    private static final Pattern PLUGIN_FILE = Pattern.compile("janus\\.plugin\\.([A-Za-z0-9_]+)\\.jcfg");
    /** janus.jcfg settings the copy replaces (per section) or drops. */
    private static final Map<String, Set<String>> CORE_REPLACED = Map.of(
            "general", Set.of("interface", "configs_folder", "log_to_stdout", "log_to_file", "daemonize", "pid_file"),
            "nat", Set.of("stun_server", "stun_port"));
    /** janus.transport.http.jcfg settings the copy replaces (per section). */
    private static final Map<String, Set<String>> HTTP_REPLACED = Map.of(
            "general", Set.of("http", "port", "ip", "interface", "acl", "https", "secure_port", "secure_ip",
                              "secure_interface"),
            "admin", Set.of("admin_port", "admin_ip", "admin_interface", "admin_acl", "admin_https",
                            "admin_secure_port", "admin_secure_ip", "admin_secure_interface"));
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final int TAIL_LINES = 40;
    private static final String OUTPUT_FILE = "janus.out";
    private static final String LOG_FILE = "janus.log";

    private final ValidationTools tools;
    private final ObjectMapper json = new ObjectMapper();

    public JanusInstanceValidator(ValidationTools tools) {
        this.tools = tools;
    }

    @Override
    public ValidationResult validate(Path folder) {
        Path janus = janusBinary();
        Path copy = ToolProcess.tempFolder("janus-check");
        try {
            Set<String> plugins = copyFiles(folder, copy);
            int httpPort = ToolProcess.freeLoopbackPort();
            int adminPort = ToolProcess.freeLoopbackPort();
            Path core = copy.resolve(ConfigKinds.JANUS_FILE);
            Path http = copy.resolve(ConfigKinds.JANUS_HTTP_FILE);
            plugins.removeAll(disabledPlugins(Files.readString(core, StandardCharsets.UTF_8)));
            Files.writeString(core, rewrite(Files.readString(core, StandardCharsets.UTF_8), CORE_REPLACED, Map.of(
                    "general", List.of("interface = \"127.0.0.1\"", "configs_folder = " + quote(copy.toString()),
                                       "log_to_stdout = false",
                                       "log_to_file = " + quote(copy.resolve(LOG_FILE).toString()),
                                       "daemonize = false"))), StandardCharsets.UTF_8);
            String httpText = Files.readString(http, StandardCharsets.UTF_8);
            String basePath = setting(httpText, "general", "base_path").orElse("/janus");
            Files.writeString(http, rewrite(httpText, HTTP_REPLACED, Map.of(
                    "general", List.of("http = true", "port = " + httpPort, "ip = \"127.0.0.1\"", "https = false"),
                    "admin", List.of("admin_port = " + adminPort, "admin_ip = \"127.0.0.1\"",
                                     "admin_https = false"))), StandardCharsets.UTF_8);
            return run(janus, copy, URI.create("http://127.0.0.1:" + httpPort + basePath + "/info"), plugins);
        } catch (IOException e) {
            throw new MediameshException(ErrorCode.INTERNAL_ERROR, "Cannot prepare the Janus check instance: " +
                                                                   e.getMessage(), e);
        } finally {
            ToolProcess.deleteRecursively(copy);
        }
    }

    private ValidationResult run(Path janus, Path copy, URI info, Set<String> plugins) throws IOException {
        Process process = new ProcessBuilder(janus.toString(), "-C", copy.resolve(ConfigKinds.JANUS_FILE).toString(),
                                             "-F", copy.toString(), "-N", "-o")
                .directory(copy.toFile())
                .redirectErrorStream(true)
                .redirectOutput(copy.resolve(OUTPUT_FILE).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        long deadline = System.nanoTime() + tools.janusStart().toNanos();
        try {
            while (true) {
                if (!process.isAlive()) {
                    return failed(copy, "janus exited with status " + process.exitValue() + " before answering " +
                                        info.getPath() + '.', process.exitValue());
                }
                JsonNode answer = answer(client, info);
                if (answer != null) {
                    Set<String> missing = new TreeSet<>(plugins);
                    answer.path("plugins").fieldNames().forEachRemaining(missing::remove);
                    return missing.isEmpty()
                           ? new ValidationResult(true, "janus: started on loopback, plugins loaded: " +
                                                        String.join(", ", new TreeSet<>(plugins)), 0)
                           : failed(copy, "janus started but did not load " + String.join(", ", missing) + '.', -1);
                }
                if (System.nanoTime() > deadline) {
                    return failed(copy, "janus did not answer " + info.getPath() + " within " +
                                        tools.janusStart().toMillis() + " ms.", -1);
                }
                Thread.sleep(POLL_INTERVAL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediameshException(ErrorCode.INTERNAL_ERROR, "Interrupted while checking Janus's files", e);
        } finally {
            stop(process);
        }
    }

    /** The parsed 200 answer, or null while Janus is not (yet) answering. */
    private JsonNode answer(HttpClient client, URI info) throws InterruptedException {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(info).timeout(Duration.ofSeconds(1))
                                                                    .GET().build(),
                                                         HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? json.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** A rejection with what went wrong and the tail of Janus's output and log. */
    private static ValidationResult failed(Path copy, String reason, int exitCode) {
        StringBuilder output = new StringBuilder(reason);
        for (String name : List.of(OUTPUT_FILE, LOG_FILE)) {
            String tail = tail(copy.resolve(name));
            if (!tail.isEmpty()) {
                output.append("\n--- ").append(name).append(" (last lines)\n").append(tail);
            }
        }
        return new ValidationResult(false, ToolProcess.trim(output.toString()), exitCode);
    }

    private static String tail(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return "";
            }
            List<String> lines = ToolProcess.ANSI.matcher(Files.readString(file, StandardCharsets.UTF_8)).replaceAll("")
                                     .strip().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** Copies the .jcfg files; returns the packages ("janus.plugin.X") of the plugin files among them. */
    private static Set<String> copyFiles(Path folder, Path copy) throws IOException {
        Set<String> plugins = new TreeSet<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".jcfg")) {
                    Files.copy(file, copy.resolve(name));
                    Matcher plugin = PLUGIN_FILE.matcher(name);
                    if (plugin.matches()) {
                        plugins.add("janus.plugin." + plugin.group(1));
                    }
                }
            }
        }
        return plugins;
    }

    /** The plugin packages janus.jcfg's {@code plugins.disable} names ("libjanus_X.so" -> "janus.plugin.X"). */
    private static Set<String> disabledPlugins(String core) {
        Set<String> disabled = new TreeSet<>();
        for (String library : setting(core, "plugins", "disable").orElse("").split(",")) {
            String name = library.strip();
            if (name.startsWith("libjanus_") && name.endsWith(".so")) {
                disabled.add("janus.plugin." + name.substring("libjanus_".length(), name.length() - ".so".length()));
            }
        }
        return disabled;
    }

    /**
     * The file without the {@code replaced} settings, with {@code added} written at the top of their
     * sections (sections the file lacks are appended). One setting per line, as rendered.
     */
    private static String rewrite(String text, Map<String, Set<String>> replaced, Map<String, List<String>> added) {
        Map<String, List<String>> pending = new LinkedHashMap<>(added);
        List<String> lines = new ArrayList<>();
        String section = "";
        for (String line : text.split("\n", -1)) {
            Matcher opening = SECTION.matcher(line);
            if (opening.find()) {
                section = opening.group(1);
                lines.add(line);
                for (String setting : pending.getOrDefault(section, List.of())) {
                    lines.add("\t" + setting);
                }
                pending.remove(section);
                continue;
            }
            if (line.strip().startsWith("}")) {
                section = "";
            }
            Matcher setting = SETTING.matcher(line);
            if (!(setting.matches() && replaced.getOrDefault(section, Set.of()).contains(setting.group(1)))) {
                lines.add(line);
            }
        }
        pending.forEach((name, settings) -> {
            lines.add(name + ": {");
            settings.forEach(setting -> lines.add("\t" + setting));
            lines.add("}");
        });
        return String.join("\n", lines) + '\n';
    }

    /** A string or number setting's value in a section, unquoted. */
    private static Optional<String> setting(String text, String section, String key) {
        String current = "";
        for (String line : text.split("\n")) {
            Matcher opening = SECTION.matcher(line);
            if (opening.find()) {
                current = opening.group(1);
                continue;
            }
            if (line.strip().startsWith("}")) {
                current = "";
            }
            Matcher setting = SETTING.matcher(line);
            if (current.equals(section) && setting.matches() && setting.group(1).equals(key)) {
                String value = setting.group(2);
                return Optional.of(value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                                             ? value.substring(1, value.length() - 1) : value);
            }
        }
        return Optional.empty();
    }

    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** The configured binary, else janus on PATH. */
    private Path janusBinary() {
        if (ValidationTools.installed(tools.janus())) {
            return tools.janus();
        }
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!directory.isEmpty() && ValidationTools.installed(Path.of(directory, "janus"))) {
                return Path.of(directory, "janus");
            }
        }
        throw new MediameshException(ErrorCode.INTERNAL_ERROR, tools.janus() + " is not installed and no janus is " +
                                                               "on PATH (apt-get install -y janus).");
    }
}
