package io.mediamesh.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.testing.GrpcurlChecks;
import io.mediamesh.common.testing.ReflectionClient;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** user-svc as grpcurl sees it: listed by reflection, callable without generated stubs. */
class UserSvcReflectionTest {
    @RegisterExtension
    @Order(1)
    static final TestDatabase db = new TestDatabase();

    private static Database database;
    private static final MeshTls tls = TestMeshCa.tls(Identity.USER_SVC);

    @RegisterExtension
    @Order(2)
    static final ServerExtension server = new ServerExtension() {
        @Override
        protected void configure(ServerBuilder sb) {
            UserSvcSettings settings = UserSvcSettings.from(Configs.load(Map.of())).withDatabase(db.settings());
            database = Database.open(settings.database(), UserSvc.MIGRATIONS);
            new UserSvc(database, settings, Clock.systemUTC(), tls).configureServices(
                    TestMeshCa.listen(sb, tls, 0, List.of()));
        }
    };

    @AfterAll
    static void closeDatabase() {
        database.close();
        tls.close();
    }

    @Test
    void servesTheBasics() throws Exception {
        GrpcurlChecks.assertServesTheBasics(server.httpPort(), Identity.OPERATOR);
    }

    @Test
    void listsAndCallsItsServicesDynamically() throws Exception {
        try (ReflectionClient grpcurl = new ReflectionClient("127.0.0.1", server.httpPort(),
                                                             TestMeshCa.issue(Identity.OPERATOR),
                                                             TestMeshCa.caCertificate())) {
            assertThat(grpcurl.listServices()).contains("mediamesh.v1.UserService", "mediamesh.v1.SessionService",
                                                        "mediamesh.v1.VideoService", "mediamesh.v1.CommentService",
                                                        "mediamesh.v1.QuotaService");
            assertThat(grpcurl.describe("mediamesh.v1.VideoService").getMethods())
                    .extracting(m -> m.getName())
                    .contains("CreateVideo", "ListVideos", "ListPublicVideos", "GetVideo", "DeleteVideo");

            String registered = grpcurl.call("mediamesh.v1.UserService", "RegisterUser",
                                             "{\"userName\": \"grpcurl_user\", \"password\": \"grpcurl-pass\"}",
                                             Map.of());
            assertThat(registered).contains("\"userName\": \"grpcurl_user\"").contains("\"sessionId\"");
            String sessionId = registered.replaceAll("(?s).*\"sessionId\": \"([^\"]+)\".*", "$1");

            String user = grpcurl.call("mediamesh.v1.UserService", "GetUser", "{\"userName\": \"grpcurl_user\"}",
                                       Map.of("x-session-id", sessionId));
            assertThat(user).contains("\"role\": \"ROLE_USER\"");

            // A failure carries the catalog code as ErrorInfo.reason, for grpcurl users too.
            assertThatThrownBy(() -> grpcurl.call("mediamesh.v1.UserService", "GetUser",
                                                  "{\"userName\": \"grpcurl_user\"}", Map.of()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                                            e -> assertThat(ErrorCatalog.reasonOf(e)).contains(
                                                    ErrorCode.UNAUTHENTICATED));
        }
    }
}
