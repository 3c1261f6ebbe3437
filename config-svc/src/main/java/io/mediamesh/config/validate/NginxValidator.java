package io.mediamesh.config.validate;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.config.ConfigKinds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code nginx -t -q -p PREFIX -e PREFIX/logs/error.log -c FILE} with a fresh temporary prefix:
 * nginx resolves the file's relative paths (pid, logs, temp folders) there and creates them, so
 * the checked folder and any running nginx are left alone. It does not bind ports.
 */
public final class NginxValidator implements ConfigValidator {
    private final ValidationTools tools;

    public NginxValidator(ValidationTools tools) {
        this.tools = tools;
    }

    @Override
    public ValidationResult validate(Path folder) {
        ToolProcess.requireInstalled(tools.nginx(), "nginx");
        Path file = folder.resolve(ConfigKinds.NGINX_FILE).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            return new ValidationResult(false, ConfigKinds.NGINX_FILE + " is missing.", -1);
        }
        Path prefix = ToolProcess.tempFolder("nginx-check");
        try {
            Files.createDirectories(prefix.resolve("logs"));
            ToolProcess.Run run = ToolProcess.run(
                    List.of(tools.nginx().toString(), "-t", "-q", "-p", prefix + "/", "-e",
                            prefix.resolve("logs/error.log").toString(), "-c", file.toString()),
                    prefix, tools.deadline());
            return new ValidationResult(run.exitCode() == 0, run.output(), run.exitCode());
        } catch (IOException e) {
            throw new MediameshException(ErrorCode.INTERNAL_ERROR, "Cannot prepare nginx's prefix: " + e.getMessage(),
                                         e);
        } finally {
            ToolProcess.deleteRecursively(prefix);
        }
    }
}
