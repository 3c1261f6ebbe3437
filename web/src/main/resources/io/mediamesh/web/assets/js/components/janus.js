// Janus's own browser library (janus.js, from Debian's libjs-janus-gateway) behind promises. It is a
// classic script defining the global Janus, and it needs the WebRTC adapter's global adapter: both
// are loaded once, in order, as script elements from the gateway's /vendor/ (same origin, so the
// site's policy allows them), the first time a page needs them.

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
      'libjs-webrtc-adapter packages for video rooms.')));
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
 * is contacted.
 */
export async function connect(server, { iceServers = [], onLost = () => {}, timeoutMs = 10000,
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

/** Attaches a handle to the VideoRoom plugin; {@code callbacks} are janus.js's (onmessage, ...). */
export function attachVideoRoom(session, callbacks) {
  return attach(session, 'janus.plugin.videoroom', 'The media server refused to open the room.', callbacks);
}

/** Attaches a handle to the Streaming plugin (a live stream's mountpoint on an edge). */
export function attachStreaming(session, callbacks) {
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
