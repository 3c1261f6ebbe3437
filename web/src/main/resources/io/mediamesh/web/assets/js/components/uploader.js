// The upload panel of a video on its owner's page: choose a file, see the progress, pause and resume;
// then wait until the video is ready.
import { api } from '../api.js';
import { bytes, h, replace } from '../dom.js';
import { errorBox } from './errors.js';
import { TusUpload } from './tus.js';

const POLL_MS = 1000;
const POLL_TIMES = 60;

/** The panel for video {@code vid}; {@code onReady(video)} runs once the file is in and checked. */
export function uploader(vid, onReady) {
  const inputId = `file-${vid}`;
  const input = h('input', { type: 'file', id: inputId, accept: 'video/*', class: 'file' });
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Upload progress' });
  const figures = h('span', { class: 'figures' }, '');
  const status = h('p', { class: 'upload-status', role: 'status', 'aria-live': 'polite' });
  const startButton = h('button', { type: 'button', disabled: true }, 'Upload');
  const pauseButton = h('button', { type: 'button', hidden: true }, 'Pause');
  const panel = h('div', { class: 'uploader', 'data-vid': vid },
    h('label', { for: inputId }, 'Video file'), input,
    h('div', { class: 'progress-row' }, progress, figures),
    h('div', { class: 'actions' }, startButton, pauseButton), status);
  let upload = null;

  const say = (...content) => {
    panel.querySelectorAll('.error').forEach((old) => old.remove());
    replace(status, ...content);
  };

  input.addEventListener('change', () => {
    const file = input.files[0];
    upload = file ? new TusUpload(file, vid, {
      onProgress: (sent, total) => {
        progress.max = total;
        progress.value = sent;
        replace(figures, `${bytes(sent)} of ${bytes(total)} (${Math.floor((100 * sent) / total)}%)`);
      },
      onState: (state, detail) => {
        pauseButton.hidden = state !== 'uploading' && state !== 'retrying';
        startButton.hidden = !pauseButton.hidden;
        startButton.textContent = state === 'paused' ? 'Resume' : 'Upload';
        if (state === 'uploading') {
          say('Uploading…');
        } else if (state === 'paused') {
          say('Paused. The part sent so far stays on the server.');
        } else if (state === 'retrying' && (detail.error.status === 429 || detail.error.status === 503)) {
          // The server is busy and said when to come back: its code and words, and that wait.
          say(h('strong', { class: 'code' }, detail.error.code), ` ${detail.error.message}`,
              ` Trying again in ${detail.seconds} s…`);
        } else if (state === 'retrying') {
          say(`Connection lost; trying again in ${detail.seconds} s…`);
        } else if (state === 'failed') {
          say();
          panel.append(errorBox(detail));
        }
      },
    }) : null;
    startButton.disabled = !file;
  });

  startButton.addEventListener('click', async () => {
    input.disabled = true;
    try {
      await upload.start();
    } catch {
      input.disabled = false;
      return;
    }
    if (upload.offset < upload.file.size) {
      return;
    }
    pauseButton.hidden = true;
    startButton.hidden = true;
    say('Uploaded. Checking the file…');
    for (let i = 0; i < POLL_TIMES; i += 1) {
      try {
        const { video } = await api.video(vid);
        if (video.state === 'ready') {
          say('Ready to watch.');
          panel.classList.add('done');
          onReady(video);
          return;
        }
      } catch (error) {
        say();
        panel.append(errorBox(error));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    say('The file is in, but the video is not ready yet. Reload the page later.');
  });
  pauseButton.addEventListener('click', () => upload?.pause());
  return panel;
}
