import { useState } from 'react';
import { notifyError, notifySuccess } from '../../../components/notify.js';

/** What a removal mutation needs to offer: TanStack Query's `mutate`, keyed by id. */
interface RemoveMutation {
  isPending: boolean;
  mutate: (id: string, options: { onSuccess: () => void; onError: (error: Error) => void }) => void;
}

export interface RemovalWords<T> {
  /** The toast once it is done ("User ann deleted."). */
  done: (item: T) => string;
  /** The error toast's title ("Could not delete ann"). */
  failed: (item: T) => string;
}

/**
 * A row's revoke or delete, asked first: `ask` opens the confirmation for an
 * item; `modal` is the ConfirmModal's props: its confirm runs the mutation and
 * closes it once the server agrees (a failure leaves it open, with the reason
 * in a toast), its close cancels.
 */
export function useConfirmedRemoval<T extends { id: string }>(
  mutation: RemoveMutation,
  words: RemovalWords<T>,
) {
  const [item, setItem] = useState<T | null>(null);
  const confirm = () => {
    if (!item) return;
    mutation.mutate(item.id, {
      onSuccess: () => {
        notifySuccess(words.done(item));
        setItem(null);
      },
      onError: (error) => notifyError(error, words.failed(item)),
    });
  };
  const cancel = () => setItem(null);
  return {
    item,
    ask: setItem,
    modal: { opened: item !== null, loading: mutation.isPending, onConfirm: confirm, onClose: cancel },
  };
}
