package io.mediamesh.gateway.openapi;

import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.VirtualHostBuilder;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.file.HttpFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The OpenAPI 3.1 description of the public REST routes, and Swagger UI to browse it.
 *
 * <p>The document is a maintained resource, openapi/openapi.json, rather than built in Java: it is
 * the contract as a reader (or a client generator) sees it, reviewed beside API.md, and OpenApiTest
 * keeps it honest: every route the gateway serves is in it and the reverse, and its error codes are
 * the catalog's with their statuses.
 */
public final class ApiDescription {
    /** Where the public port serves the document. */
    public static final String DOCUMENT_PATH = "/api/openapi.json";
    /** Where the management port serves Swagger UI, beside a copy of the document. */
    public static final String UI_PATH = "/openapi/";

    private static final String RESOURCES = "openapi";
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final String WEBJAR_PROPERTIES = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

    private ApiDescription() {}

    /** The document, with the ETag and Last-Modified of a classpath file. */
    public static HttpService document() {
        return HttpFile.of(ApiDescription.class.getClassLoader(), RESOURCES + "/openapi.json").asService();
    }

    /**
     * Serves Swagger UI under {@link #UI_PATH} of {@code management}: the WebJar's files, except
     * swagger-initializer.js, ours, which points it at the copy of the document served beside it.
     */
    public static void serveUi(VirtualHostBuilder management) {
        ClassLoader classLoader = ApiDescription.class.getClassLoader();
        management.serviceUnder(UI_PATH, FileService.of(classLoader, RESOURCES)
                                                    .orElse(FileService.of(classLoader, WEBJAR + webjarVersion())));
    }

    /** The WebJar's files live under its version, which its Maven properties name. */
    private static String webjarVersion() {
        try (InputStream in = ApiDescription.class.getClassLoader().getResourceAsStream(WEBJAR_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("Swagger UI's WebJar is not on the classpath.");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
