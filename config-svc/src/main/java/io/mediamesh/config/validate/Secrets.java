package io.mediamesh.config.validate;

import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.config.ConfigKinds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secrets a kind's files hold, found where the renderer writes them, so that what a tool printed
 * about the files can be shown (in error messages, apply events, audit records) without them.
 */
public final class Secrets {
    /** Each pattern's group 1 is a secret as written in the file. */
    private static final Map<ConfigKind, List<Pattern>> WHERE = Map.of(
            ConfigKind.CONFIG_KIND_JANUS, List.of(
                    Pattern.compile("(?m)^\\s*(?:admin_secret|admin_key|api_secret|token_auth_secret|turn_pwd|" +
                                    "turn_rest_api_key|cert_pwd)\\s*=\\s*\"((?:\\\\.|[^\"\\\\])*)\""),
                    // The event handler's URL ends with the role's token.
                    Pattern.compile("(?m)^\\s*backend\\s*=\\s*\"[^\"]*/([^/\"]+)\"")),
            ConfigKind.CONFIG_KIND_COTURN, List.of(
                    Pattern.compile("(?m)^\\s*(?:--)?(?:static-auth-secret|cli-password|pkey-pwd)[=\\s]\\s*(\\S+)")),
            ConfigKind.CONFIG_KIND_NGINX, List.of(
                    Pattern.compile("secure_link_md5\\s+\"[^\"]*\\s([^\\s\"]+)\"")));
    /** Shorter values would blank out ordinary words of the output. */
    private static final int MIN_LENGTH = 6;
    static final String MASK = "(secret)";

    private Secrets() {}

    /** The secrets in a folder of the kind's files, each as written and unescaped. */
    public static Set<String> in(ConfigKind kind, Path folder) {
        Set<String> secrets = new LinkedHashSet<>();
        for (String name : ConfigKinds.fileNames(kind)) {
            Path file = folder.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                for (Pattern pattern : WHERE.get(ConfigKinds.check(kind))) {
                    Matcher secret = pattern.matcher(text);
                    while (secret.find()) {
                        if (secret.group(1).length() >= MIN_LENGTH) {
                            secrets.add(secret.group(1));
                            secrets.add(secret.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return secrets;
    }

    /** {@code text} with every secret replaced by a mask. */
    public static String redact(String text, Set<String> secrets) {
        String redacted = text;
        for (String secret : secrets) {
            redacted = redacted.replace(secret, MASK);
        }
        return redacted;
    }
}
