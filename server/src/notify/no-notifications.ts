import type { Notifications } from './notification-center';

/** For feature tests that send no messages: every request is refused loudly, nothing is sent. */
export const noNotifications: Notifications = {
  dispatch: async () => {
    throw new Error('this test runs without notifications');
  },
  onReply: () => undefined,
  onOutcome: () => undefined,
  listByAlarm: async () => [],
};
