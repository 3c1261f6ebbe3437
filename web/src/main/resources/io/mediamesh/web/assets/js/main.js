// The site's entry module: the header's account links and the pages by route.
import { lazy, route, start } from './router.js';
import { renderAccount } from './components/account.js';
import { homePage } from './pages/home.js';
import { signInPage, signUpPage } from './pages/signin.js';
import { userPage } from './pages/user.js';
import { watchPage } from './pages/watch.js';
import { verify } from './session.js';

route('/', homePage);
route('/signin', signInPage);
route('/signup', signUpPage);
route('/u/:name', userPage);
route('/v/:vid', watchPage);
const adminPage = lazy(() => import('./admin/console.js').then((module) => module.adminPage));
route('/admin', adminPage);
route('/admin/:view', adminPage);
// Loaded when first opened: only people who join rooms need them (and Janus's library they load).
route('/rooms', lazy(() => import('./pages/rooms.js').then((module) => module.roomsPage)));
route('/rooms/video/:room', lazy(() => import('./pages/videoRoom.js').then((module) => module.videoRoomPage)));
route('/rooms/text/:room', lazy(() => import('./pages/textRoom.js').then((module) => module.textRoomPage)));
route('/rooms/text/:room/transcript',
  lazy(() => import('./pages/transcript.js').then((module) => module.transcriptPage)));
route('/streams', lazy(() => import('./pages/streams.js').then((module) => module.streamsPage)));
route('/streams/:id', lazy(() => import('./pages/liveStream.js').then((module) => module.liveStreamPage)));

renderAccount(document.getElementById('account'));
start();
// A session ended on the server (expired, signed out elsewhere) shows in the header at once.
verify();
