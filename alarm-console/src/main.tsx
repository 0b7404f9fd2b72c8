// Entry point: builds the session and the console controller, mounts the app.
import { render } from 'preact';
import { getLanguage } from './i18n/i18n';
import { AppSession } from './state/app-state';
import { browserConsoleDeps } from './state/browser-deps';
import { ConsoleController } from './state/console-controller';
import { armIfEnrolled } from './state/this-station';
import './styles/console.css';
import { App } from './views/app';

const session = new AppSession();
const controller = new ConsoleController(browserConsoleDeps());

document.documentElement.lang = getLanguage();
setInterval(() => controller.tick(), 1000);
addEventListener('online', () => controller.retryNow());
// A station armed itself on load, where browsers keep sound off until a gesture: the first click
// or key press anywhere turns it on (the banner asks for it).
const unlockSound = () => {
  if (controller.state.value.stationWatch && !controller.state.value.soundUnlocked) controller.testSound();
};
addEventListener('pointerdown', unlockSound, true);
addEventListener('keydown', unlockSound, true);
// Closing an armed console by accident would leave this desk without alarms: ask first.
addEventListener('beforeunload', (e) => {
  if (!controller.armed) return;
  e.preventDefault();
  e.returnValue = '';
});

render(<App session={session} controller={controller} />, document.getElementById('app')!);
void session.check();
void armIfEnrolled(controller);

// For browser tests and the wall-screen kiosk: read-only view of what the console shows.
(window as unknown as { trygg: object }).trygg = { session, controller };
