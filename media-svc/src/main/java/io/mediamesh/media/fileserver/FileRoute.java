package io.mediamesh.media.fileserver;

/** One capability of the file server (playback, uploads, ...): the paths it owns and how it answers. */
public interface FileRoute {
    /** True for the paths (raw, undecoded) this route answers, whatever the method. */
    boolean handles(String rawPath);

    /** Answers through the exchange, now or later, from any thread. */
    void serve(Exchange exchange);
}
