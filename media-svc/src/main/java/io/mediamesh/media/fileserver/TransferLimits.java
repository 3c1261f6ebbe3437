package io.mediamesh.media.fileserver;

import io.mediamesh.api.v1.ErrorCode;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;

/**
 * The file server's two token pools, one for playbacks and one for uploads, with their shares per
 * client. A transfer that is let in holds its token until its exchange is done.
 */
public final class TransferLimits {
    private final AdmissionPool streams;
    private final AdmissionPool uploads;
    private final String retryAfterSeconds;

    public TransferLimits(FileServerSettings settings, MeterRegistry registry) {
        this.streams = new AdmissionPool("stream", settings.streamTokens(), settings.clientShare(), registry);
        this.uploads = new AdmissionPool("upload", settings.uploadTokens(), settings.clientShare(), registry);
        Duration retryAfter = settings.retryAfter();
        // Retry-After takes whole seconds; never 0, which would invite an immediate retry storm.
        this.retryAfterSeconds = Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }

    /** A playback token for the exchange's client (its address), or a 429 answered and false. */
    public boolean admitStream(Exchange exchange) {
        return admit(streams, exchange, exchange.client().getHostAddress());
    }

    /** An upload token for {@code client} (the uploading user), or a 429 answered and false. */
    public boolean admitUpload(Exchange exchange, String client) {
        return admit(uploads, exchange, client);
    }

    AdmissionPool streams() {
        return streams;
    }

    AdmissionPool uploads() {
        return uploads;
    }

    private boolean admit(AdmissionPool pool, Exchange exchange, String client) {
        AdmissionPool.Admission admission = pool.tryAcquire(client);
        if (admission.token().isEmpty()) {
            exchange.respondError(ErrorCode.TOO_MANY_REQUESTS, admission.refusal(),
                                  new DefaultHttpHeaders().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds));
            return false;
        }
        AdmissionPool.Token token = admission.token().get();
        exchange.whenDone().whenComplete((ignored, failure) -> token.close());
        return true;
    }
}
