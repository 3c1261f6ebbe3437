// The REST client: every call goes to the site's own /api with the session cookie, and every answer is
// read from the envelope {"code", "response"}; a failure becomes an ApiError carrying the code and
// the message the API gave.

/** A failed call: HTTP status, the envelope's code and message, and Retry-After seconds for 429/503. */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** Reads an envelope off a fetch or XHR answer's status, body text and Retry-After header. */
export function envelopeError(status, text, retryAfterHeader) {
  let code = 'HTTP_' + status;
  let message = text || 'The server answered ' + status + '.';
  try {
    const body = JSON.parse(text);
    if (body && typeof body.code === 'string') {
      code = body.code;
      message = typeof body.response === 'string' ? body.response : message;
    }
  } catch {
    // Not an envelope (a proxy's page, a cut connection): keep the status.
  }
  const retryAfter = retryAfterHeader ? Number.parseInt(retryAfterHeader, 10) : undefined;
  return new ApiError(status, code, message, Number.isFinite(retryAfter) ? retryAfter : undefined);
}

/** Calls the API; resolves to the envelope's response (null for 204), rejects with an ApiError. */
export async function call(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'The site cannot be reached. Check the connection and try again.');
  }
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  if (!response.ok) {
    throw envelopeError(response.status, text, response.headers.get('Retry-After'));
  }
  return JSON.parse(text).response;
}

const enc = encodeURIComponent;

/** A query string of the defined values. */
function query(params) {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? '?' + new URLSearchParams(entries).toString() : '';
}

export const api = {
  register: (userName, pwd) => call('POST', '/api/register', { user_name: userName, pwd }),
  login: (userName, pwd) => call('POST', '/api/login', { user_name: userName, pwd }),
  logout: () => call('POST', '/api/logout'),
  user: (name) => call('GET', `/api/user/${enc(name)}`),
  feed: (limit, cursor) => call('GET', '/api/videos' + query({ limit, cursor })),
  userVideos: (name, limit, cursor) => call('GET', `/api/user/${enc(name)}/videos` + query({ limit, cursor })),
  createVideo: (name, video) => call('POST', `/api/user/${enc(name)}/videos`, video),
  video: (vid) => call('GET', `/api/videos/${enc(vid)}`),
  deleteVideo: (vid) => call('DELETE', `/api/videos/${enc(vid)}`),
  comments: (vid, limit, cursor) => call('GET', `/api/videos/${enc(vid)}/comments` + query({ limit, cursor })),
  postComment: (vid, content) => call('POST', `/api/videos/${enc(vid)}/comments`, { content }),
  deleteComment: (vid, cid) => call('DELETE', `/api/videos/${enc(vid)}/comments/${enc(cid)}`),
  myVideoRooms: (limit, cursor) => call('GET', '/api/rooms/video' + query({ limit, cursor, owned: 'true' })),
  createVideoRoom: (room) => call('POST', '/api/rooms/video', room),
  videoRoom: (room) => call('GET', `/api/rooms/video/${enc(room)}`),
  joinVideoRoom: (room, display) => call('POST', `/api/rooms/video/${enc(room)}/join`, { display }),
  kickFromVideoRoom: (room, pid) => call('DELETE', `/api/rooms/video/${enc(room)}/participants/${enc(pid)}`),
  recordVideoRoom: (room, enabled) => call('PUT', `/api/rooms/video/${enc(room)}/recording`, { enabled }),
  myTextRooms: (limit, cursor) => call('GET', '/api/rooms/text' + query({ limit, cursor, owned: 'true' })),
  createTextRoom: (room) => call('POST', '/api/rooms/text', room),
  textRoom: (room) => call('GET', `/api/rooms/text/${enc(room)}`),
  joinTextRoom: (room, display) => call('POST', `/api/rooms/text/${enc(room)}/join`, { display }),
  kickFromTextRoom: (room, username) =>
    call('DELETE', `/api/rooms/text/${enc(room)}/participants/${enc(username)}`),
  recordTextRoom: (room, enabled) => call('PUT', `/api/rooms/text/${enc(room)}/recording`, { enabled }),
  announce: (room, text) => call('POST', `/api/rooms/text/${enc(room)}/announcements`, { text }),
  transcript: (room, limit, cursor) =>
    call('GET', `/api/rooms/text/${enc(room)}/transcript` + query({ limit, cursor })),
  myStreams: (limit, cursor) => call('GET', '/api/streams' + query({ limit, cursor, owned: 'true' })),
  createStream: (stream) => call('POST', '/api/streams', stream),
  stream: (id) => call('GET', `/api/streams/${enc(id)}`),
  forwardStream: (id, on) => call(on ? 'POST' : 'DELETE', `/api/streams/${enc(id)}/forward`),
  startStream: (id, on) => call('POST', `/api/streams/${enc(id)}/${on ? 'start' : 'stop'}`),
  watchStream: (id) => call('POST', `/api/streams/${enc(id)}/watch`),
  destroyStream: (id) => call('DELETE', `/api/streams/${enc(id)}`),
};

/** Where the player gets a video's bytes (the gateway redirects it to the file server). */
export const streamUrl = (vid) => `/stream/videos/${enc(vid)}`;
