package io.mediamesh.media.file;

import io.mediamesh.common.quota.Quota;

/**
 * How many bytes one upload may hold: the file size limit, and what its owner's stored-bytes quota
 * leaves for it (their quota, less the files of their other videos).
 *
 * @param maxSize the file size limit
 * @param quotaLeft the bytes the owner's quota leaves for this video's file
 * @param quota the owner's stored-bytes limit, named when {@code quotaLeft} is crossed
 */
public record SizeLimit(long maxSize, long quotaLeft, long quota) {
    /** The file size limit alone: for bytes whose quota was checked before (a resumable upload's creation). */
    public static SizeLimit of(long maxSize) {
        return new SizeLimit(maxSize, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /** Refuses {@code size} bytes: PAYLOAD_TOO_LARGE over the file size limit, else QUOTA_EXCEEDED over the quota left. */
    public void check(long size) {
        if (size > maxSize) {
            throw VideoFileUpload.tooLarge(maxSize);
        }
        if (size > quotaLeft) {
            throw Quota.STORED_BYTES.exceeded(quota);
        }
    }
}
