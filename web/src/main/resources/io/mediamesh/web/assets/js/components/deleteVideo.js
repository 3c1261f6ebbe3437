// Delete buttons that ask first (a video, a live stream), then delete through the API; a failure is
// shown in {@code errorPlace()}.
import { api } from '../api.js';
import { h } from '../dom.js';
import { showError } from './errors.js';

export function deleteVideoButton(video, options) {
  return deleteButton({ name: video.name, remove: () => api.deleteVideo(video.id), ...options });
}

/** {@code remove()} deletes; {@code name} is what the confirmation names. */
export function deleteButton({ name, remove, label, text, onDeleted, errorPlace, consequence = 'This cannot be undone.' }) {
  const button = h('button', { type: 'button', class: 'danger', 'aria-label': label }, text);
  button.addEventListener('click', async () => {
    if (!confirm(`Delete "${name}"? ${consequence}`)) {
      return;
    }
    button.disabled = true;
    try {
      await remove();
      onDeleted();
    } catch (error) {
      button.disabled = false;
      showError(errorPlace(), error);
    }
  });
  return button;
}
