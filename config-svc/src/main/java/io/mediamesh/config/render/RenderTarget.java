package io.mediamesh.config.render;

import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.config.server.MediaServerRecord;

/**
 * What a document is rendered for: one server, and its role's janus document, whose ports and
 * recordings folder nginx's file points at.
 *
 * @param roleJanus the latest janus document of the server's role (the default instance if none)
 */
public record RenderTarget(MediaServerRecord server, JanusConfig roleJanus) {}
