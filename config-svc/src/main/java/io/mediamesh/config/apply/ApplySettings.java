package io.mediamesh.config.apply;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.UUID;

/**
 * Defaults and bounds of applies and of the agents' health check, from
 * {@code mediamesh.config-svc.apply} and {@code mediamesh.config-svc.health-check}.
 *
 * @param instanceId names this replica as the owner of the applies it runs; unique among the
 *                   replicas sharing a schema
 * @param lease      how long a running apply's owner is believed alive after its last renewal
 * @param leaseRenewInterval how often a replica renews the leases of its applies, acts on control
 *                   requests other replicas recorded for them, and ends applies whose lease expired
 * @param drainTimeout how long a replica stopping gracefully lets its running applies end on their
 *                   own before it cancels them
 */
public record ApplySettings(Duration perServerTimeout, int maxParallel, int maxParallelLimit,
                            Duration promotionTimeout, Duration healthCheckInterval, Duration healthCheckDeadline,
                            String instanceId, Duration lease, Duration leaseRenewInterval,
                            Duration drainTimeout) {
    public ApplySettings {
        if (instanceId.isEmpty() || instanceId.length() > 128) {
            throw new IllegalArgumentException("apply.instance-id must have 1 to 128 characters");
        }
        if (leaseRenewInterval.isNegative() || leaseRenewInterval.isZero()
            || leaseRenewInterval.multipliedBy(2).compareTo(lease) > 0) {
            throw new IllegalArgumentException("apply.lease-renew-interval must be positive and at most half of "
                                               + "apply.lease, so that one late renewal loses no lease");
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("apply.drain-timeout must not be negative");
        }
    }

    public static ApplySettings from(Config configSvc) {
        Config apply = configSvc.getConfig("apply");
        Config health = configSvc.getConfig("health-check");
        String instanceId = apply.getString("instance-id");
        return new ApplySettings(apply.getDuration("per-server-timeout"), apply.getInt("max-parallel"),
                                 apply.getInt("max-parallel-limit"), apply.getDuration("promotion-timeout"),
                                 health.getDuration("interval"), health.getDuration("deadline"),
                                 instanceId.isBlank() ? defaultInstanceId() : instanceId.trim(),
                                 apply.getDuration("lease"), apply.getDuration("lease-renew-interval"),
                                 apply.getDuration("drain-timeout"));
    }

    /** The pid tells an operator which process; the random part keeps a restarted pid distinct. */
    private static String defaultInstanceId() {
        return "config-svc-" + ProcessHandle.current().pid() + '-' + UUID.randomUUID().toString().substring(0, 8);
    }
}
