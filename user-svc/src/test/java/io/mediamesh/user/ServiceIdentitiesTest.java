package io.mediamesh.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.server.Server;
import io.mediamesh.api.v1.CreateVideoRequest;
import io.mediamesh.api.v1.RegisterUserRequest;
import io.mediamesh.api.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.mediamesh.api.v1.Video;
import io.mediamesh.api.v1.VideoServiceGrpc.VideoServiceBlockingStub;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.testing.Strangers;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * user-svc's port over real gRPC and TLS: media-svc's certificate alone makes a video for someone
 * without their session (a room recording); another service's, an agent's, none and a self-made
 * one are refused, and nothing is made.
 */
class ServiceIdentitiesTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static Database database;
    private static MeshTls tls;
    private static UserSvc userSvc;
    private static Server server;

    @BeforeAll
    static void start() {
        UserSvcSettings settings = UserSvcSettings.from(Configs.load(Map.of())).withDatabase(db.settings());
        database = Database.open(settings.database(), UserSvc.MIGRATIONS);
        tls = TestMeshCa.tls(Identity.USER_SVC);
        userSvc = new UserSvc(database, settings, Clock.systemUTC(), tls);
        var sb = TestMeshCa.listen(Server.builder(), tls, 0, List.of());
        userSvc.configureServices(sb);
        server = sb.build();
        server.start().join();
        TestMeshCa.grpc(server.activeLocalPort()).build(UserServiceBlockingStub.class).registerUser(
                RegisterUserRequest.newBuilder().setUserName("alice").setPassword("alice-password").build());
    }

    @AfterAll
    static void stop() {
        server.stop().join();
        userSvc.close();
        tls.close();
        database.close();
    }

    private static VideoServiceBlockingStub videos(MeshTls as) {
        return TestMeshCa.grpc(as, server.activeLocalPort()).build(VideoServiceBlockingStub.class);
    }

    @Test
    void onlyMediaSvcMakesAVideoForSomeoneWithoutTheirSession() {
        CreateVideoRequest forAlice = CreateVideoRequest.newBuilder().setUserName("alice").setName("recorded").build();
        try (MeshTls scheduler = TestMeshCa.tls(Identity.SCHEDULER_SVC);
             MeshTls agent = TestMeshCa.tls(Identity.agent("edge-1"));
             MeshTls media = TestMeshCa.tls(Identity.MEDIA_SVC);
             Strangers strangers = new Strangers(Identity.MEDIA_SVC)) {
            Strangers.assertDenied(List.of(scheduler, agent), refused -> videos(refused).createVideo(forAlice));
            strangers.assertEachRefused(server.activeLocalPort(), VideoServiceBlockingStub.class,
                                        stranger -> stranger.createVideo(forAlice));
            assertThat(videosOfAlice()).isZero();

            Video made = videos(media).createVideo(forAlice).getVideo();
            assertThat(made.getAuthor()).isEqualTo("alice");
            assertThat(videosOfAlice()).isOne();
        }
    }

    private static long videosOfAlice() {
        return database.dsl().fetchCount(database.dsl().selectFrom("videos")
                                                 .where("author_id = (select id from users where user_name = 'alice')"));
    }
}
