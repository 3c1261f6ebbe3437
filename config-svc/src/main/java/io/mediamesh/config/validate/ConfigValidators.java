package io.mediamesh.config.validate;

import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.config.ConfigKinds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real-tool check of each kind: nginx -t, janus-cfgconv (then any semantic Janus check added
 * with {@link #withJanusCheck}), and coturn's loopback trial. config-svc checks documents with it
 * before storing them; config agents check staged files with it.
 */
public final class ConfigValidators {
    private final ValidationTools tools;
    private final ConfigValidator nginx;
    private final ConfigValidator janus;
    private final ConfigValidator coturn;

    public ConfigValidators(ValidationTools tools) {
        this(tools, new JanusSyntaxValidator(tools));
    }

    private ConfigValidators(ValidationTools tools, ConfigValidator janus) {
        this.tools = tools;
        this.nginx = new NginxValidator(tools);
        this.janus = janus;
        this.coturn = new CoturnTrialValidator(tools);
    }

    /**
     * The checks configured in {@code tools}: with the throwaway Janus instance when
     * {@code janus-instance} is on. config-svc and the agents build theirs with this.
     */
    public static ConfigValidators configured(ValidationTools tools) {
        ConfigValidators validators = new ConfigValidators(tools);
        return tools.janusInstance() ? validators.withJanusCheck(new JanusInstanceValidator(tools)) : validators;
    }

    /** The same checks, with {@code check} run on Janus files once their syntax passed. */
    public ConfigValidators withJanusCheck(ConfigValidator check) {
        return new ConfigValidators(tools, janus.andThen(check));
    }

    public ConfigValidator forKind(ConfigKind kind) {
        return switch (ConfigKinds.check(kind)) {
            case CONFIG_KIND_NGINX -> nginx;
            case CONFIG_KIND_COTURN -> coturn;
            default -> janus;
        };
    }

    /** Whether the kind's tool is installed here. */
    public boolean available(ConfigKind kind) {
        return switch (ConfigKinds.check(kind)) {
            case CONFIG_KIND_NGINX -> ValidationTools.installed(tools.nginx());
            case CONFIG_KIND_COTURN -> ValidationTools.installed(tools.turnserver()) &&
                                       ValidationTools.installed(tools.timeout());
            default -> ValidationTools.installed(tools.janusCfgconv());
        };
    }

    /**
     * Checks files in a folder (an agent's staged version). The files' secrets are masked in the
     * output, which ends up in error messages, apply events and audit records.
     */
    public ValidationResult validate(ConfigKind kind, Path folder) {
        ValidationResult result = forKind(kind).validate(folder);
        return new ValidationResult(result.ok(), Secrets.redact(result.toolOutput(), Secrets.in(kind, folder)),
                                    result.exitCode());
    }

    /** Checks files held in memory (a rendered document) in a temporary folder of their own. */
    public ValidationResult validate(ConfigKind kind, List<ConfigFile> files) {
        Path folder = ToolProcess.tempFolder("config-check");
        try {
            for (ConfigFile file : files) {
                Path target = folder.resolve(file.getName()).normalize();
                if (!folder.equals(target.getParent())) {
                    throw new MediameshException(ErrorCode.INVALID_REQUEST, "A config file name may not name a " +
                                                                           "folder: " + file.getName());
                }
                Files.write(target, file.getContent().toByteArray());
            }
            return validate(kind, folder);
        } catch (IOException e) {
            throw new MediameshException(ErrorCode.INTERNAL_ERROR, "Cannot write the files to check: " + e.getMessage(),
                                         e);
        } finally {
            ToolProcess.deleteRecursively(folder);
        }
    }
}
