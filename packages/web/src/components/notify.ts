import { notifications } from '@mantine/notifications';

/** A toast for something that worked ("Command sent to 24 computers"). */
export function notifySuccess(message: string, title?: string): void {
  notifications.show({ color: 'teal', title, message, autoClose: 4000 });
}

/** A toast for something that failed, with the server's reason. */
export function notifyError(error: unknown, title = 'That did not work'): void {
  const message = error instanceof Error ? error.message : String(error);
  notifications.show({ color: 'red', title, message, autoClose: 8000 });
}
