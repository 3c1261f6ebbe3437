package io.mediamesh.media.janus;

/**
 * A Janus plugin answered a request with {@code plugindata.data.error_code}: the request reached
 * the plugin and was refused. Callers map the code to the catalog (a missing room is not the same
 * failure as a wrong secret).
 */
public final class JanusPluginError extends RuntimeException {
    private final int code;

    public JanusPluginError(String plugin, int code, String error) {
        super(plugin + " error " + code + ": " + error);
        this.code = code;
    }

    private JanusPluginError(String message, int code) {
        super(message);
        this.code = code;
    }

    /** The same refusal, saying where it happened (e.g. the server's name). */
    public JanusPluginError at(String where) {
        return new JanusPluginError(where + ": " + getMessage(), code);
    }

    public int code() {
        return code;
    }
}
