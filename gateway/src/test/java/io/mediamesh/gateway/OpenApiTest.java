package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.RoutePathType;
import com.linecorp.armeria.server.ServerConfig;
import com.linecorp.armeria.server.ServiceConfig;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.gateway.site.WebSite;
import io.mediamesh.gateway.testing.Mesh;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET /api/openapi.json describes exactly the routes the running gateway serves on its public port,
 * with the error catalog's codes at their statuses; Swagger UI shows it on the management port.
 */
class OpenApiTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
                                                         "trace");
    private static JsonNode document;

    @BeforeAll
    static void readTheDocument() throws Exception {
        AggregatedHttpResponse response = BlockingWebClient.of(mesh.gatewayUri()).get("/api/openapi.json");
        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.contentType().is(MediaType.JSON)).isTrue();
        document = MAPPER.readTree(response.contentUtf8());
    }

    @Test
    void isSentCompressedToWhoAcceptsIt() {
        AggregatedHttpResponse gzipped = BlockingWebClient.of(mesh.gatewayUri()).execute(
                RequestHeaders.of(HttpMethod.GET, "/api/openapi.json", HttpHeaderNames.ACCEPT_ENCODING, "gzip"));
        assertThat(gzipped.headers().get(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
        assertThat(gzipped.content().length()).isLessThan(document.toString().length() / 4);
    }

    @Test
    void isOpenApi31() {
        assertThat(document.get("openapi").asText()).matches("3\\.1\\.\\d+");
        assertThat(document.at("/components/securitySchemes/sessionHeader/name").asText()).isEqualTo("X-Session-Id");
        assertThat(document.at("/components/securitySchemes/sessionCookie/in").asText()).isEqualTo("cookie");
        assertThat(document.at("/components/securitySchemes/sessionCookie/name").asText()).isEqualTo("session");
    }

    /**
     * Every route of the public port, read off the running server, against the document's operations.
     * A route that takes any method (the upload proxy, whose file server answers the methods it lacks
     * with 405, and the WebSocket) must be in the document with the methods it really serves; every
     * other route with exactly its methods. A prefix route covers the document's paths below it.
     */
    @Test
    void describesEveryRouteTheGatewayServesAndNoOther() {
        ServerConfig config = mesh.gatewayServer().config();
        List<Route> routes = config.serviceConfigs().stream()
                                   .filter(service -> service.virtualHost() == config.defaultVirtualHost())
                                   .map(ServiceConfig::route)
                                   // Armeria's own catch-all that answers 404 for every unknown path.
                                   .filter(route -> !route.isFallback())
                                   // The web site's pages and files: HTML for browsers, not REST.
                                   .filter(route -> !isWebSite(route))
                                   .toList();
        assertThat(routes).hasSizeGreaterThan(50);
        Set<String> documented = new TreeSet<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(
                method -> {
                    if (OPERATIONS.contains(method)) {
                        documented.add(method.toUpperCase(Locale.ROOT) + ' ' + path.getKey());
                    }
                }));

        Set<String> covered = new HashSet<>();
        List<String> missing = new ArrayList<>();
        for (Route route : routes) {
            boolean anyMethod = route.methods().containsAll(HttpMethod.knownMethods());
            Set<String> matching = documented.stream().filter(operation -> covers(route, operation))
                                             .collect(Collectors.toSet());
            Set<String> wanted = anyMethod ? Set.of() : route.methods().stream()
                    .map(method -> method.name() + ' ' + openApiPath(route)).collect(Collectors.toSet());
            if (anyMethod ? matching.isEmpty() : !matching.containsAll(wanted)) {
                missing.add(route.methods() + " " + route.patternString());
            }
            covered.addAll(matching);
        }
        assertThat(missing).as("routes the document lacks").isEmpty();
        Set<String> unserved = new TreeSet<>(documented);
        unserved.removeAll(covered);
        assertThat(unserved).as("operations no route serves").isEmpty();
    }

    @Test
    void listsTheCatalogsCodesAtTheirStatuses() {
        Set<String> catalog = EnumSet.complementOf(EnumSet.of(ErrorCode.ERROR_CODE_UNSPECIFIED, ErrorCode.UNRECOGNIZED))
                                     .stream().map(ErrorCode::name).collect(Collectors.toSet());
        Set<String> listed = new HashSet<>();
        document.at("/components/schemas/ErrorCode/enum").forEach(code -> listed.add(code.asText()));
        assertThat(listed).isEqualTo(catalog);

        int errorResponses = 0;
        for (JsonNode path : document.get("paths")) {
            for (JsonNode operation : path) {
                for (Map.Entry<String, JsonNode> response : operation.get("responses").properties()) {
                    JsonNode resolved = response.getValue().has("$ref")
                                        ? document.at(response.getValue().get("$ref").asText().substring(1))
                                        : response.getValue();
                    JsonNode codes = resolved.at("/content/application~1json/schema/properties/code/enum");
                    for (JsonNode code : codes) {
                        assertThat(ErrorCatalog.httpStatus(ErrorCode.valueOf(code.asText())))
                                .as("status of %s", code).isEqualTo(Integer.parseInt(response.getKey()));
                    }
                    errorResponses += codes.isMissingNode() ? 0 : 1;
                }
            }
        }
        assertThat(errorResponses).isGreaterThan(100);
    }

    @Test
    void everyReferenceResolves() {
        List<String> references = new ArrayList<>();
        collectReferences(document, references);
        assertThat(references).isNotEmpty();
        for (String reference : references) {
            assertThat(reference).startsWith("#/");
            assertThat(document.at(reference.substring(1)).isMissingNode()).as(reference).isFalse();
        }
    }

    @Test
    void swaggerUiIsOnTheManagementPortOnly() {
        BlockingWebClient management = BlockingWebClient.of(mesh.managementUri());
        AggregatedHttpResponse page = management.get("/openapi/");
        assertThat(page.status().code()).isEqualTo(200);
        assertThat(page.contentType().is(MediaType.HTML_UTF_8.withoutParameters())).isTrue();
        assertThat(page.contentUtf8()).contains("swagger-ui-bundle.js", "swagger-initializer.js");
        assertThat(management.get("/openapi/swagger-ui-bundle.js").status().code()).isEqualTo(200);
        assertThat(management.get("/openapi/swagger-initializer.js").contentUtf8()).contains("url: \"openapi.json\"")
                                                                                    .doesNotContain("petstore.swagger.io");
        assertThat(management.get("/openapi/openapi.json").contentUtf8())
                .isEqualTo(BlockingWebClient.of(mesh.gatewayUri()).get("/api/openapi.json").contentUtf8());

        BlockingWebClient site = BlockingWebClient.of(mesh.gatewayUri());
        for (String path : new String[] { "/openapi/", "/openapi/swagger-initializer.js", "/openapi/openapi.json" }) {
            assertThat(site.get(path).status().code()).as(path).isEqualTo(404);
        }
        assertThat(management.get("/api/openapi.json").status().code()).isEqualTo(404);
    }

    /** Whether {@code operation} ("METHOD /path") is served by {@code route}. */
    private static boolean covers(Route route, String operation) {
        String method = operation.substring(0, operation.indexOf(' '));
        String path = operation.substring(operation.indexOf(' ') + 1);
        if (route.methods().stream().noneMatch(m -> m.name().equals(method))) {
            return false;
        }
        if (route.pathType() == RoutePathType.PREFIX) {
            String prefix = route.patternString().substring(0, route.patternString().length() - 1);
            return path.startsWith(prefix) && path.length() > prefix.length();
        }
        return path.equals(openApiPath(route));
    }

    /** /api/videos/:vid as OpenAPI writes it, /api/videos/{vid}. */
    private static String openApiPath(Route route) {
        return Arrays.stream(route.patternString().split("/", -1))
                     .map(segment -> segment.startsWith(":") ? '{' + segment.substring(1) + '}' : segment)
                     .collect(Collectors.joining("/"));
    }

    private static void collectReferences(JsonNode node, List<String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("$ref")) {
                    into.add(field.getValue().asText());
                } else {
                    collectReferences(field.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectReferences(child, into));
        }
    }

    private static boolean isWebSite(Route route) {
        // Armeria writes a page's {param} as :param.
        String pattern = route.patternString();
        return WebSite.PAGES.contains(pattern.replaceAll(":(\\w+)", "{$1}")) || pattern.startsWith(WebSite.ASSETS) ||
               WebSite.DEBIAN_SCRIPTS.containsKey(pattern);
    }
}
