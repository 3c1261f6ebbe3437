package io.mediamesh.config.validate;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the validating tools are and how long they may take; read from a {@code validation} block
 * (config-svc's is {@code mediamesh.config-svc.validation}, see reference.conf).
 *
 * @param timeout the coreutils timeout(1) that ends coturn's trial run with SIGINT
 * @param coturnTrial how long turnserver runs on loopback before it counts as started
 * @param deadline the longest any one tool run may take
 * @param janus the Janus binary of the throwaway-instance check (janus on PATH when this one is absent)
 * @param janusInstance whether Janus files are also checked by starting a throwaway loopback instance
 * @param janusStart how long that instance may take to answer GET /janus/info
 */
public record ValidationTools(Path nginx, Path janusCfgconv, Path turnserver, Path timeout, Duration coturnTrial,
                              Duration deadline, Path janus, boolean janusInstance, Duration janusStart) {
    public static ValidationTools from(Config validation) {
        return new ValidationTools(Path.of(validation.getString("nginx")),
                                   Path.of(validation.getString("janus-cfgconv")),
                                   Path.of(validation.getString("turnserver")),
                                   Path.of(validation.getString("timeout")),
                                   validation.getDuration("coturn-trial"),
                                   validation.getDuration("deadline"),
                                   Path.of(validation.getString("janus")),
                                   validation.getBoolean("janus-instance"),
                                   validation.getDuration("janus-start"));
    }

    static boolean installed(Path tool) {
        return Files.isExecutable(tool);
    }
}
