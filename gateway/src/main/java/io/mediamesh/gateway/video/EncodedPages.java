package io.mediamesh.gateway.video;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.Message;
import java.util.function.Supplier;

/**
 * The JSON of the last answer to each listing request, reused while user-svc answers that request
 * with an equal message: the hottest reads of the site are mostly the same page again, and comparing
 * two messages costs less than writing the page's JSON anew. user-svc decides what is current, on
 * every call, so this serves nothing it would not; an answer that differs replaces what is kept.
 */
final class EncodedPages {
    /** What is kept, in bytes of JSON (about as much again is held as messages). */
    private static final long MAX_BYTES = 8L * 1024 * 1024;

    private final Cache<Message, Encoded> last = Caffeine.newBuilder()
                                                        .maximumWeight(MAX_BYTES)
                                                        .<Message, Encoded>weigher((request, encoded) -> encoded.json().length)
                                                        .build();

    private record Encoded(Message answer, byte[] json) {}

    /** The JSON of {@code answer} to {@code request}: the kept one if the answer is the same, else {@code encode}'s. */
    byte[] json(Message request, Message answer, Supplier<byte[]> encode) {
        Encoded kept = last.getIfPresent(request);
        if (kept != null && kept.answer().equals(answer)) {
            return kept.json();
        }
        byte[] json = encode.get();
        last.put(request, new Encoded(answer, json));
        return json;
    }
}
