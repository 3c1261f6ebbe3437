// A room owner's recording state and the button that turns it on and off (video and text rooms).
import { h, replace } from '../dom.js';
import { showError } from './errors.js';

/**
 * @param {object} room the room as the API gave it (its {@code recording} is shown first)
 * @param {(enabled: boolean) => Promise<{room: object}>} save the API call; its answer is shown
 * @param {Element} errors where a failure is shown
 */
export function recordingSwitch(room, save, errors) {
  let recording = room.recording;
  const state = h('p', { class: 'recording-state', role: 'status' });
  const button = h('button', { type: 'button', class: 'secondary' });
  const show = () => {
    replace(state, recording ? h('span', { class: 'badge live' }, 'Recording') : 'Not recording');
    button.textContent = recording ? 'Stop recording' : 'Start recording';
  };
  show();
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      ({ room: { recording } } = await save(!recording));
      errors.querySelectorAll(':scope > .error').forEach((box) => box.remove());
      show();
    } catch (error) {
      showError(errors, error);
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'recording' }, state, button);
}
