package io.mediamesh.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.mediamesh.api.v1.CreateVideoRequest;
import io.mediamesh.api.v1.RegisterUserRequest;
import io.mediamesh.api.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.mediamesh.api.v1.Video;
import io.mediamesh.api.v1.VideoServiceGrpc.VideoServiceBlockingStub;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.testing.InJvmServices;
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

    private static RunningService<UserSvc> userSvc;

    @BeforeAll
    static void start() throws Exception {
        UserSvcSettings settings = UserSvcSettings.from(ConfigFactory.parseMap(InJvmServices.SETTINGS)
                                                                     .withFallback(Configs.load(Map.of())))
                                                  .withDatabase(db.settings());
        userSvc = InJvmServices.closingTls(Identity.USER_SVC, tls -> UserSvc.run(settings, tls, Clock.systemUTC()));
        TestMeshCa.grpc(userSvc.port()).build(UserServiceBlockingStub.class).registerUser(
                RegisterUserRequest.newBuilder().setUserName("alice").setPassword("alice-password").build());
    }

    @AfterAll
    static void stop() {
        userSvc.close();
    }

    private static VideoServiceBlockingStub videos(MeshTls as) {
        return TestMeshCa.grpc(as, userSvc.port()).build(VideoServiceBlockingStub.class);
    }

    @Test
    void onlyMediaSvcMakesAVideoForSomeoneWithoutTheirSession() {
        CreateVideoRequest forAlice = CreateVideoRequest.newBuilder().setUserName("alice").setName("recorded").build();
        try (MeshTls scheduler = TestMeshCa.tls(Identity.SCHEDULER_SVC);
             MeshTls agent = TestMeshCa.tls(Identity.agent("edge-1"));
             MeshTls media = TestMeshCa.tls(Identity.MEDIA_SVC);
             Strangers strangers = new Strangers(Identity.MEDIA_SVC)) {
            Strangers.assertDenied(List.of(scheduler, agent), refused -> videos(refused).createVideo(forAlice));
            strangers.assertEachRefused(userSvc.port(), VideoServiceBlockingStub.class,
                                        stranger -> stranger.createVideo(forAlice));
            assertThat(videosOfAlice()).isZero();

            Video made = videos(media).createVideo(forAlice).getVideo();
            assertThat(made.getAuthor()).isEqualTo("alice");
            assertThat(videosOfAlice()).isOne();
        }
    }

    private static long videosOfAlice() {
        var db = userSvc.database().dsl();
        return db.fetchCount(db.selectFrom("videos")
                                 .where("author_id = (select id from users where user_name = 'alice')"));
    }
}
