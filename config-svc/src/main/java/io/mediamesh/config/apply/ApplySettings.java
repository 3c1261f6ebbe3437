package io.mediamesh.config.apply;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Defaults and bounds of applies and of the agents' health check, from
 * {@code mediamesh.config-svc.apply} and {@code mediamesh.config-svc.health-check}.
 */
public record ApplySettings(Duration perServerTimeout, int maxParallel, int maxParallelLimit,
                            Duration promotionTimeout, Duration healthCheckInterval, Duration healthCheckDeadline) {
    public static ApplySettings from(Config configSvc) {
        Config apply = configSvc.getConfig("apply");
        Config health = configSvc.getConfig("health-check");
        return new ApplySettings(apply.getDuration("per-server-timeout"), apply.getInt("max-parallel"),
                                 apply.getInt("max-parallel-limit"), apply.getDuration("promotion-timeout"),
                                 health.getDuration("interval"), health.getDuration("deadline"));
    }
}
