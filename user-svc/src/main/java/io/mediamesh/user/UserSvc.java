package io.mediamesh.user;

import com.linecorp.armeria.common.util.ThreadFactories;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.api.v1.SchedulerServiceGrpc.SchedulerServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.user.comment.CommentGrpcService;
import io.mediamesh.user.comment.CommentRepository;
import io.mediamesh.user.deletion.DeletionOutbox;
import io.mediamesh.user.deletion.DeletionRelay;
import io.mediamesh.user.quota.QuotaGrpcService;
import io.mediamesh.user.quota.QuotaRepository;
import io.mediamesh.user.session.LoginThrottle;
import io.mediamesh.user.session.SessionGrpcService;
import io.mediamesh.user.session.SessionStore;
import io.mediamesh.user.user.Credentials;
import io.mediamesh.user.user.HashingSettings;
import io.mediamesh.user.user.PasswordHasher;
import io.mediamesh.user.user.PasswordHashing;
import io.mediamesh.user.user.UserAccess;
import io.mediamesh.user.user.UserGrpcService;
import io.mediamesh.user.user.UserRepository;
import io.mediamesh.user.user.UserRole;
import io.mediamesh.user.video.VideoGrpcService;
import io.mediamesh.user.video.VideoRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** user-svc wired by hand: users, sessions, quotas, video records and comments on one schema. */
public final class UserSvc implements AutoCloseable {
    /** Flyway location of user-svc's migrations (also the source of its jOOQ classes). */
    public static final String MIGRATIONS = "db/migration/user";

    private static final Logger logger = LoggerFactory.getLogger(UserSvc.class);

    private final UserSvcSettings settings;
    private final Clock clock;
    private final UserRepository users;
    private final SessionStore sessions;
    private final PasswordHashing passwords;
    private final List<io.grpc.BindableService> grpcServices;
    private final ScheduledExecutorService housekeeping;
    private final GrpcClientFactory schedulerClients;

    public UserSvc(Database database, UserSvcSettings settings, Clock clock, MeshTls tls) {
        this.settings = settings;
        // The database keeps microseconds: hand out no instant it cannot store.
        this.clock = Clock.tick(clock, Duration.ofNanos(1000));
        this.users = new UserRepository(database.dsl());
        this.sessions = new SessionStore(database.dsl(), this.clock, settings.sessionIdleTimeout(),
                                         settings.sessionAbsoluteLifetime(), settings.sessionRenewAfter(),
                                         settings.sessionCacheTtl(), settings.sessionCacheMaxEntries());
        PasswordHasher hasher = new PasswordHasher(settings.argon2MemoryKib(), settings.argon2Iterations(),
                                                   settings.argon2Parallelism());
        HashingSettings hashing = settings.hashing();
        int concurrentHashes = hashing.concurrency(Runtime.getRuntime().maxMemory(), settings.argon2MemoryKib(),
                                                   Runtime.getRuntime().availableProcessors());
        this.passwords = new PasswordHashing(hasher, concurrentHashes, hashing.queue(), hashing.queueTimeout());
        logger.info("Password hashing: {} at once, {} KiB each", concurrentHashes, settings.argon2MemoryKib());
        // The gateway carries users' sessions, and media-svc those of the uploads it stores.
        Callers callers = new Callers(sessions, tls, Set.of(Identity.GATEWAY, Identity.MEDIA_SVC, Identity.OPERATOR));
        QuotaRepository quotas = new QuotaRepository(database.dsl(), settings.quotas());
        VideoRepository videos = new VideoRepository(database.dsl(), quotas, settings.videoCacheTtl(),
                                                     settings.videoCacheMaxEntries());
        UserAccess access = new UserAccess(users, callers);
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(
                ThreadFactories.newThreadFactory("user-svc-housekeeping", true));
        this.schedulerClients = new GrpcClientFactory(tls, settings.clientDeadline());
        SchedulerServiceBlockingStub scheduler = schedulerClients.newStub(settings.endpoints().schedulerSvc(), SchedulerServiceBlockingStub.class);
        DeletionRelay deletionRelay = new DeletionRelay(new DeletionOutbox(database.dsl()), scheduler, housekeeping,
                                                        settings.deletionRelayInterval().toMillis());
        this.grpcServices = List.of(new UserGrpcService(users, videos, sessions, deletionRelay, passwords, access,
                                                        this.clock),
                                    new QuotaGrpcService(quotas, access),
                                    new SessionGrpcService(users, sessions, passwords,
                                                           new LoginThrottle(settings.logins(), this.clock), callers),
                                    new VideoGrpcService(videos, users, deletionRelay, callers, this.clock),
                                    new CommentGrpcService(new CommentRepository(database.dsl()), videos, callers,
                                                           this.clock));
        long purgeMillis = settings.sessionPurgeInterval().toMillis();
        housekeeping.scheduleWithFixedDelay(this::purgeExpiredSessions, purgeMillis, purgeMillis,
                                            TimeUnit.MILLISECONDS);
    }

    /**
     * user-svc serving as {@code settings} say, on its schema (migrated first): the first admin created
     * if missing, then its port opened. What Main runs, and what tests start in their JVM.
     */
    public static RunningService<UserSvc> run(UserSvcSettings settings, MeshTls tls, Clock clock) {
        return RunningService.onSchema(settings.database(), MIGRATIONS, database -> {
            UserSvc userSvc = new UserSvc(database, settings, clock, tls);
            userSvc.bootstrapAdmin();
            Server server = ServiceServer.serve("user-svc", settings.server(), tls, ServiceServer.MESH_CALLERS,
                                                List.of(), userSvc::configureServices);
            return RunningService.of("user-svc", userSvc, database, server);
        });
    }

    /** Adds user-svc's gRPC services and the shared endpoints to {@code sb}; tests reuse it. */
    public void configureServices(ServerBuilder sb) {
        passwords.bindTo(ServiceServer.configure(sb, ServiceServer.grpcService(grpcServices)));
    }

    /**
     * Creates the configured first admin if no user has that name yet. An existing user of that
     * name is never promoted: whoever registered it first is not made an admin by a config file.
     */
    public void bootstrapAdmin() {
        String password = settings.adminPassword();
        if (password.isEmpty()) {
            logger.warn("No admin password configured (MEDIAMESH_ADMIN_PASSWORD): no admin account is created.");
            return;
        }
        String userName = Credentials.checkUserName(settings.adminUserName());
        users.findByName(userName).ifPresentOrElse(existing -> {
            if (existing.role() != UserRole.ADMIN) {
                logger.error("The configured admin name {} belongs to a non-admin user; not promoting it.", userName);
            }
        }, () -> {
            String hash = passwords.hash(Credentials.checkPassword(password), () -> false).join();
            users.insert(userName, hash, UserRole.ADMIN, clock.instant());
            logger.info("Created the first admin account {}", userName);
        });
    }

    private void purgeExpiredSessions() {
        try {
            int purged = sessions.purgeExpired();
            if (purged > 0) {
                logger.info("Purged {} expired sessions", purged);
            }
        } catch (RuntimeException e) {
            logger.warn("Failed to purge expired sessions", e);
        }
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        passwords.close();
        schedulerClients.close();
    }
}
