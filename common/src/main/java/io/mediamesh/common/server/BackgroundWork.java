package io.mediamesh.common.server;

/**
 * Whether a service runs its own timers and engines (housekeeping, reconciling, a task engine) as its
 * process does, or leaves them off so that a test drives them by hand and finds nothing changing under it.
 */
public enum BackgroundWork {
    /** As a process runs: every timer and engine started. */
    RUN,
    /** None started; the test calls what it needs itself. */
    OFF
}
