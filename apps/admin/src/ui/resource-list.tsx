import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Empty, ErrorAlert, Loading, errorMessage } from './feedback';

/**
 * The states of a list screen: loading, the API's error, empty, or the list itself. `children`
 * renders the loaded data; `empty` is shown instead when `isEmpty` says so.
 */
export function QueryList<T>({
  query,
  errorTitle,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  errorTitle: string;
  isEmpty: (data: T) => boolean;
  empty: { title: string; hint?: ReactNode };
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorAlert error={query.error} title={errorTitle} />;
  if (isEmpty(query.data)) return <Empty title={empty.title}>{empty.hint}</Empty>;
  return <>{children(query.data)}</>;
}

/** The form-wide error of a form (an API error whose `param` names none of its fields). */
export function FormAlert({ message }: { message: string | undefined }) {
  return message ? (
    <Alert color="red" variant="light" role="alert">
      {message}
    </Alert>
  ) : null;
}

/** Shows a failed action that has no form to show it in. */
export function notifyError(error: unknown): void {
  notifications.show({ color: 'red', message: errorMessage(error) });
}

/**
 * Asks before a destructive action. `onConfirm` runs the action; the dialog closes when it
 * succeeds, and a failure is shown as a notification.
 */
export function ConfirmModal({
  opened,
  title,
  confirmLabel,
  busy,
  onConfirm,
  onClose,
  children,
}: {
  opened: boolean;
  title: string;
  confirmLabel: string;
  busy: boolean;
  onConfirm: (handlers: { onSuccess: () => void; onError: (error: unknown) => void }) => void;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack>
        <Text>{children}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={busy}
            onClick={() => onConfirm({ onSuccess: onClose, onError: notifyError })}
          >
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
