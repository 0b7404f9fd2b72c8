// The real browser behind ConsoleController: WebSocket, WebAudio, Notification, localStorage.
import { api } from '../api/client';
import { ApiError } from '../api/http';
import { t } from '../i18n/i18n';
import { ConsoleConnection, consoleSocketUrl } from './connection';
import { thisStationStatus } from './this-station';
import type { ConsoleDeps, NotificationPermissionState } from './console-controller';
import { kindLabel, placeLabel } from './format';
import { Siren } from './siren';

export function browserConsoleDeps(): ConsoleDeps {
  return {
    connect: ({ stationId, mode, onMessage, onStateChange }) =>
      new ConsoleConnection({ url: consoleSocketUrl(window.location, mode), stationId, onMessage, onStateChange }),
    siren: new Siren(),
    notifications: {
      permission: (): NotificationPermissionState => ('Notification' in window ? Notification.permission : 'unsupported'),
      request: () => ('Notification' in window ? Notification.requestPermission() : Promise.resolve('denied')),
      show: (title, body, tag) => {
        try {
          const n = new Notification(title, { body, tag, requireInteraction: true });
          n.onclick = () => {
            window.focus();
            n.close();
          };
          return () => n.close();
        } catch {
          return null; // some browsers only allow notifications from a service worker; the tone still sounds
        }
      },
    },
    storage: {
      get: (key) => {
        try {
          return localStorage.getItem(key);
        } catch {
          return null;
        }
      },
      set: (key, value) => {
        try {
          if (value === null) localStorage.removeItem(key);
          else localStorage.setItem(key, value);
        } catch {
          // storage disabled: the choice is asked again next time
        }
      },
    },
    isHidden: () => document.hidden,
    sessionEnded: async () => {
      try {
        await api.session();
        return false;
      } catch (err) {
        return err instanceof ApiError && err.status === 401;
      }
    },
    stationStatus: () => thisStationStatus(),
    notificationText: (alarm) => {
      const kind = kindLabel(alarm.kind);
      return { title: alarm.drill ? t('notify.titleDrill', { kind }) : t('notify.title', { kind }), body: placeLabel(alarm) };
    },
  };
}
