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
 * is contacted.
 */
export async function connect(server, { iceServers = [], onLost = () => {}, timeoutMs = 10000 } = {}) {
  const Janus = await loadJanus();
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(), timeoutMs);
    function fail() {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        session.destroy({ notifyDestroyed: false });
        reject(new MediaError('The media server does not answer, so the room cannot be joined now. ' +
                              'Try again in a moment.'));
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
  return attach(session, 'janus.plugin.videoroom', callbacks);
}

/** Attaches a handle to the TextRoom plugin; {@code callbacks} are janus.js's (onmessage, ondata, ...). */
export function attachTextRoom(session, callbacks) {
  return attach(session, 'janus.plugin.textroom', callbacks);
}

function attach(session, plugin, callbacks) {
  return new Promise((resolve, reject) => {
    session.attach({
      plugin,
      ...callbacks,
      success: resolve,
      error: () => reject(new MediaError('The media server refused to open the room. Try again in a moment.')),
    });
  });
}

/**
 * Gets the page into a room on {@code session}: {@code start(joined, refused)} attaches and asks to
 * join, then calls joined() or refused(error) as Janus answers. Rejects with a MediaError when Janus
 * does not let the page in within 10 s rather than leaving it waiting; on any failure the session
 * is ended.
 */
export async function enterRoom(session, start) {
  let timer;
  try {
    await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new MediaError('The media server did not let you in. Try again in a moment.')),
        ENTER_TIMEOUT_MS);
      Promise.resolve().then(() => start(resolve, reject)).catch(reject);
    });
  } catch (error) {
    session.destroy({ notifyDestroyed: false });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
