// A tus 1.0.0 client for /upload/resumable: creates the upload (Upload-Length, Upload-Metadata naming
// the video), sends the file in chunks by PATCH with XMLHttpRequest (for upload progress), can pause
// and resume, and after a dropped connection asks the server for its offset (HEAD) and goes on from
// there, waiting longer each time. The upload's URL is kept in localStorage, so that choosing the
// same file again after a reload continues it.
import { envelopeError, ApiError } from '../api.js';

const TUS = { 'Tus-Resumable': '1.0.0' };
const CHUNK = 4 * 1024 * 1024;
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000];

function base64(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** Starts a request; its xhr (to abort it) and a promise of it once answered. */
function send(method, url, headers, body, onProgress) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open(method, url);
    for (const [name, value] of Object.entries({ ...TUS, ...headers })) {
      xhr.setRequestHeader(name, value);
    }
    if (onProgress) {
      xhr.upload.addEventListener('progress', (event) => onProgress(event.loaded));
    }
    xhr.addEventListener('load', () => {
      // A connection cut inside the status line reads as a "status" below 100: dropped as well.
      if (xhr.status < 100) {
        reject(new ApiError(0, 'NETWORK_ERROR', 'The connection dropped.'));
      } else {
        resolve(xhr);
      }
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'NETWORK_ERROR', 'The connection dropped.')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'ABORTED', 'Paused.')));
    xhr.send(body ?? null);
  });
  return { xhr, done };
}

export class TusUpload {
  /**
   * @param {File} file
   * @param {number} vid the video the file is for
   * @param {{onProgress?: (sent: number, total: number) => void, onState?: (state: string, detail?: any) => void,
   *          chunkSize?: number}} options states: uploading, paused, retrying (detail: {seconds, error}, the failure that made it wait), done, failed (detail: ApiError)
   */
  constructor(file, vid, { onProgress = () => {}, onState = () => {}, chunkSize = CHUNK } = {}) {
    this.file = file;
    this.vid = vid;
    this.onProgress = onProgress;
    this.onState = onState;
    this.chunkSize = chunkSize;
    this.key = `mediamesh.tus.${vid}.${file.name}.${file.size}.${file.lastModified}`;
    this.url = localStorage.getItem(this.key);
    this.offset = 0;
    this.paused = false;
    this.xhr = null;
  }

  /** Starts, or continues after pause(). Resolves when the whole file is on the server. */
  async start() {
    this.paused = false;
    this.onState('uploading');
    let attempt = 0;
    while (!this.paused) {
      try {
        if (!this.url) {
          await this.create();
        } else {
          await this.findOffset();
        }
        while (this.offset < this.file.size && !this.paused) {
          await this.patch();
          attempt = 0;
        }
        if (this.offset >= this.file.size) {
          localStorage.removeItem(this.key);
          this.onState('done');
          return;
        }
      } catch (error) {
        if (this.paused) {
          break;
        }
        // The bar showed what left the browser; only what the server kept counts.
        this.onProgress(this.offset, this.file.size);
        const wait = this.retryable(error, attempt);
        if (wait === null) {
          this.onState('failed', error);
          throw error;
        }
        this.onState('retrying', { seconds: Math.ceil(wait / 1000), error });
        await new Promise((resolve) => setTimeout(resolve, wait));
        attempt += 1;
        if (!this.paused) {
          this.onState('uploading');
        }
      }
    }
    this.onState('paused');
  }

  /** Stops sending; the bytes that arrived stay on the server for start() to continue from. */
  pause() {
    this.paused = true;
    this.xhr?.abort();
  }

  /** Milliseconds to wait before trying again, or null when the error is final. */
  retryable(error, attempt) {
    if (error.status === 429 || error.status === 503) {
      return (error.retryAfter ?? 1) * 1000;
    }
    if (error.status === 404 && this.url) {
      // The upload expired or was never there: start a new one.
      localStorage.removeItem(this.key);
      this.url = null;
      this.offset = 0;
      return 0;
    }
    if (error.status === 0 || error.status === 409 || error.status >= 502) {
      return attempt < RETRY_DELAYS_MS.length ? RETRY_DELAYS_MS[attempt] : null;
    }
    return null;
  }

  async create() {
    const metadata = `vid ${base64(String(this.vid))},filename ${base64(this.file.name)}`;
    const xhr = await this.request('POST', '/upload/resumable',
                                   { 'Upload-Length': String(this.file.size), 'Upload-Metadata': metadata });
    if (xhr.status !== 201) {
      throw envelopeError(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After'));
    }
    this.url = new URL(xhr.getResponseHeader('Location'), location.href).pathname;
    localStorage.setItem(this.key, this.url);
    this.offset = 0;
  }

  async findOffset() {
    const xhr = await this.request('HEAD', this.url, {});
    if (xhr.status !== 200 && xhr.status !== 204) {
      throw envelopeError(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After'));
    }
    this.offset = Number.parseInt(xhr.getResponseHeader('Upload-Offset'), 10) || 0;
    this.onProgress(this.offset, this.file.size);
  }

  async patch() {
    const start = this.offset;
    const chunk = this.file.slice(start, Math.min(start + this.chunkSize, this.file.size));
    const xhr = await this.request('PATCH', this.url,
                                   { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(start) },
                                   chunk, (loaded) => this.onProgress(start + loaded, this.file.size));
    if (xhr.status !== 204) {
      throw envelopeError(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After'));
    }
    this.offset = Number.parseInt(xhr.getResponseHeader('Upload-Offset'), 10);
    this.onProgress(this.offset, this.file.size);
  }

  request(method, url, headers, body, onProgress) {
    const { xhr, done } = send(method, url, headers, body, onProgress);
    this.xhr = xhr;
    return done;
  }
}
