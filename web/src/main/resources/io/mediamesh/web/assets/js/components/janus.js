// Janus's own browser library (janus.js, from Debian's libjs-janus-gateway) behind promises. It is a
// classic script defining the global Janus, and it needs the WebRTC adapter's global adapter: both
// are loaded once, in order, as script elements from the gateway's /vendor/ (same origin, so the
// site's policy allows them), the first time a page needs them.

// How long Janus may take to let a page into a room once the page is connected.
const ENTER_TIMEOUT_MS = 10000;

let loading = null;

/** Thrown when the page cannot talk to Janus; the message says what a person can do. */
export class MediaError extends Error {
  constructor(message) {
    super(message);
    this.name = 'MediaError';
  }
}

function script(src) {
  return new Promise((resolve, reject) => {
    const element = document.createElement('script');
    element.src = src;
    element.async = false;
    element.addEventListener('load', resolve);
    element.addEventListener('error', () => reject(new MediaError(
      `The site could not load ${src}: the gateway's host needs Debian's libjs-janus-gateway and ` +
      'libjs-webrtc-adapter packages for rooms.')));
    document.head.append(element);
  });
}

/** The global Janus, initialised; loads the scripts the first time. */
function loadJanus() {
  if (!loading) {
    loading = script('/vendor/adapter.js')
      .then(() => script('/vendor/janus.js'))
      .then(() => new Promise((resolve) => {
        window.Janus.init({ debug: false, dependencies: window.Janus.useDefaultDependencies(), callback: resolve });
      }))
      .then(() => window.Janus);
    // A failed load may be retried (the package installed meanwhile).
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/**
 * A Janus session at {@code server} (a room's server_url). Rejects with a MediaError when Janus does
 * not answer within {@code timeoutMs}, rather than leaving the page waiting. {@code onLost} is
 * called if the session is lost later. Only the TURN servers given are used: no public STUN server
 * is contacted. {@code iceTransportPolicy} 'relay' makes every connection of the session go through
 * them.
 */
export async function connect(server, { iceServers = [], iceTransportPolicy = 'all', onLost = () => {},
                                         timeoutMs = 10000,
                                         unanswered = 'The media server does not answer, so the room cannot be ' +
                                                      'joined now. Try again in a moment.' } = {}) {
  const Janus = await loadJanus();
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(), timeoutMs);
    function fail() {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        session.destroy({ notifyDestroyed: false });
        reject(new MediaError(unanswered));
      }
    }
    const session = new Janus({
      server,
      iceServers,
      iceTransportPolicy,
      success: () => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolve(session);
        }
      },
      error: (cause) => {
        if (settled) {
          onLost(cause);
        } else {
          fail();
        }
      },
    });
  });
}

/**
 * Runs {@code work(ready)} for {@code session} and resolves to what it returns once it has also
 * called {@code ready.resolve()} (Janus let the page in); rejects with {@code ready.reject}'s error,
 * or with a MediaError saying {@code late} after {@code timeoutMs}. On failure the session is
 * destroyed, so that nothing half-joined stays behind.
 */
export async function whenReady(session, timeoutMs, late, work) {
  let ready;
  const settled = new Promise((resolve, reject) => {
    ready = { resolve, reject };
  });
  // Janus may refuse after the work already failed (and nobody awaits any more): not an error then.
  settled.catch(() => {});
  const timer = setTimeout(() => ready.reject(new MediaError(late)), timeoutMs);
  try {
    const result = await work(ready);
    await settled;
    return result;
  } catch (error) {
    session.destroy({ notifyDestroyed: false });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Attaches a handle to the VideoRoom plugin; {@code callbacks} are janus.js's (onmessage, ...). */
export function attachVideoRoom(session, callbacks) {
  return attach(session, 'janus.plugin.videoroom', 'The media server refused to open the room.', callbacks);
}

/** Attaches a handle to the TextRoom plugin; {@code callbacks} are janus.js's (onmessage, ondata, ...). */
export function attachTextRoom(session, callbacks) {
  return attach(session, 'janus.plugin.textroom', 'The media server refused to open the room.', callbacks);
}

/** Attaches a handle to the Streaming plugin (a live stream's mountpoint on an edge). */
function attachStreaming(session, callbacks) {
  return attach(session, 'janus.plugin.streaming', 'The media server refused to open the stream.', callbacks);
}

function attach(session, plugin, refused, callbacks) {
  return new Promise((resolve, reject) => {
    session.attach({
      plugin,
      ...callbacks,
      success: resolve,
      error: () => reject(new MediaError(`${refused} Try again in a moment.`)),
    });
  });
}

/**
 * Gets the page into a room on {@code session}: {@code start(joined, refused)} attaches and asks to
 * join, then calls joined() or refused(error) as Janus answers. Rejects with a MediaError when Janus
 * does not let the page in within 10 s rather than leaving it waiting; on any failure the session
 * is ended.
 */
export function enterRoom(session, start) {
  return whenReady(session, ENTER_TIMEOUT_MS, 'The media server did not let you in. Try again in a moment.',
    (entered) => start(entered.resolve, entered.reject));
}

/**
 * Plays Janus Streaming mountpoint {@code id} at {@code server} (watch, Janus's offer, an answer that
 * only receives, start). Resolves to {session, handle, media} once Janus sends, with the received
 * tracks in {@code media}; rejects with a MediaError when Janus does not answer, refuses, or does
 * not start within {@code timeoutMs}. {@code onStopped} is called when the mountpoint stops sending
 * to this page (its stream was taken away), {@code onLost} when the session is lost.
 */
export async function watchMountpoint(server, id, { onLost = () => {}, onStopped = () => {}, timeoutMs = 10000 } = {}) {
  const session = await connect(server, {
    onLost,
    unanswered: 'The stream\'s media server does not answer, so it cannot be watched now. Try again in a moment.',
  });
  const current = { session, handle: null, media: new MediaStream() };
  return whenReady(session, timeoutMs, 'The stream\'s media server did not start sending. Try again in a moment.',
    async (started) => {
      current.handle = await attachStreaming(session, {
        onmessage: (message, jsep) => {
          const state = message.result?.status;
          if (message.error_code) {
            started.reject(new MediaError(streamRefusal(message)));
          } else if (state === 'started') {
            started.resolve();
          } else if (state === 'stopped') {
            onStopped();
          }
          if (jsep) {
            current.handle.createAnswer({
              jsep,
              // The offered audio and video are received only; nothing is captured here.
              tracks: [{ type: 'data' }],
              success: (answer) => current.handle.send({ message: { request: 'start' }, jsep: answer }),
              error: () => started.reject(new MediaError('This browser cannot play the stream.')),
            });
          }
        },
        onremotetrack: intoStream(current.media),
        hangup: onStopped,
      });
      current.handle.send({ message: { request: 'watch', id } });
      return current;
    });
}

/** janus.js's onremotetrack callback that keeps {@code stream} holding the tracks being received. */
export function intoStream(stream) {
  return (track, mid, on) => {
    if (on) {
      stream.addTrack(track);
    } else {
      stream.removeTrack(track);
    }
  };
}

/** What a Streaming plugin's refusal to play a mountpoint means for the viewer. */
function streamRefusal(message) {
  switch (message.error_code) {
    case 455:
      return 'The stream is no longer on this media server: its owner may have stopped sending it. Try again.';
    default:
      return `The media server refused to play the stream (${message.error_code}: ${message.error}).`;
  }
}
