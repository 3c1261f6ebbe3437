package io.mediamesh.config.validate;

import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.config.ConfigKinds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code janus-cfgconv --parse} on every Janus file: catches syntax errors (not unknown keys).
 * Janus refuses a broken janus.jcfg but only logs a broken plugin file and loads the plugin's
 * defaults, so every file is checked. Only the error lines are kept of the tool's output: on
 * success it echoes every setting, secrets included.
 */
public final class JanusSyntaxValidator implements ConfigValidator {
    private final ValidationTools tools;

    public JanusSyntaxValidator(ValidationTools tools) {
        this.tools = tools;
    }

    @Override
    public ValidationResult validate(Path folder) {
        ToolProcess.requireInstalled(tools.janusCfgconv(), "janus");
        StringBuilder output = new StringBuilder();
        boolean ok = true;
        int exitCode = 0;
        for (String name : ConfigKinds.fileNames(ConfigKind.CONFIG_KIND_JANUS)) {
            Path file = folder.resolve(name).toAbsolutePath();
            if (!Files.isRegularFile(file)) {
                output.append(name).append(": missing\n");
                ok = false;
                exitCode = exitCode == 0 ? -1 : exitCode;
                continue;
            }
            ToolProcess.Run run = ToolProcess.run(List.of(tools.janusCfgconv().toString(), "--parse", file.toString()),
                                                  folder, tools.deadline());
            if (run.exitCode() == 0) {
                output.append(name).append(": ok\n");
            } else {
                ok = false;
                exitCode = exitCode == 0 ? run.exitCode() : exitCode;
                output.append(name).append(": ").append(errorLines(run.output())).append('\n');
            }
        }
        return new ValidationResult(ok, ToolProcess.trim(output.toString()), exitCode);
    }

    private static String errorLines(String output) {
        String errors = output.lines().filter(line -> line.contains("ERR") || line.contains("rror"))
                              .collect(Collectors.joining("\n"));
        return errors.isEmpty() ? "janus-cfgconv rejected it" : errors;
    }
}
