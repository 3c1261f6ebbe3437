package io.mediamesh.user;

import com.typesafe.config.Config;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.config.ServerSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.user.quota.Limits;
import io.mediamesh.user.session.LoginThrottleSettings;
import io.mediamesh.user.user.HashingSettings;
import java.time.Duration;

/** user-svc's configuration, from {@code mediamesh.user-svc} (see reference.conf). */
public record UserSvcSettings(ServerSettings server, DatabaseSettings database, Duration sessionIdleTimeout,
                              Duration sessionAbsoluteLifetime, Duration sessionRenewAfter, Duration sessionCacheTtl, long sessionCacheMaxEntries,
                              Duration sessionPurgeInterval, Duration videoCacheTtl,
                              long videoCacheMaxEntries, int argon2MemoryKib, int argon2Iterations,
                              int argon2Parallelism, HashingSettings hashing, LoginThrottleSettings logins,
                              String adminUserName, String adminPassword,
                              ServiceEndpoints endpoints, Duration clientDeadline,
                              Duration deletionRelayInterval, Limits quotas) {
    private static final String PATH = "mediamesh.user-svc";

    public static UserSvcSettings from(Config root) {
        Config c = root.getConfig(PATH);
        return new UserSvcSettings(ServerSettings.from(c.getConfig("server")),
                                   DatabaseSettings.from(root, PATH + ".database"),
                                   c.getDuration("sessions.idle-timeout"),
                                   c.getDuration("sessions.absolute-lifetime"),
                                   c.getDuration("sessions.renew-after"),
                                   c.getDuration("sessions.cache-ttl"),
                                   c.getLong("sessions.cache-max-entries"),
                                   c.getDuration("sessions.purge-interval"),
                                   c.getDuration("videos.cache-ttl"),
                                   c.getLong("videos.cache-max-entries"),
                                   c.getInt("passwords.argon2-memory-kib"),
                                   c.getInt("passwords.argon2-iterations"),
                                   c.getInt("passwords.argon2-parallelism"),
                                   HashingSettings.from(c.getConfig("passwords")),
                                   LoginThrottleSettings.from(c.getConfig("logins")),
                                   c.getString("admin.user-name"),
                                   c.getString("admin.password"),
                                   ServiceEndpoints.from(root),
                                   root.getDuration("mediamesh.client.deadline"),
                                   c.getDuration("file-deletions.relay-interval"),
                                   Limits.from(c.getConfig("quotas")));
    }

    public UserSvcSettings withDatabase(DatabaseSettings otherDatabase) {
        return new UserSvcSettings(server, otherDatabase, sessionIdleTimeout, sessionAbsoluteLifetime,
                                   sessionRenewAfter, sessionCacheTtl,
                                   sessionCacheMaxEntries, sessionPurgeInterval, videoCacheTtl, videoCacheMaxEntries,
                                   argon2MemoryKib, argon2Iterations,
                                   argon2Parallelism, hashing, logins, adminUserName, adminPassword, endpoints,
                                   clientDeadline, deletionRelayInterval, quotas);
    }

    @Override
    public String toString() {
        // The admin password stays out of logs.
        return "UserSvcSettings[server=" + server + ", database=" + database + ", admin=" + adminUserName + ']';
    }
}
