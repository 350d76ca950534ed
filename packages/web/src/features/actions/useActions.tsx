import { lazy, type ReactNode, Suspense, useCallback, useMemo, useState } from 'react';
import { canOperate, useRole } from '../../app/use-role.js';
import type { ActionRequest } from './types.js';

// The dialog and its forms load when first opened: the fleet page (the first
// load) offers bulk actions, but most visits never open one.
const ActionDialog = lazy(() => import('./ActionDialog.js').then((m) => ({ default: m.ActionDialog })));

export interface Actions {
  /** False for viewers: show no action buttons at all. */
  canRun: boolean;
  /** Opens the action dialog (does nothing for viewers). */
  open: (request?: ActionRequest) => void;
  /** The dialog; render it once, anywhere in the page. */
  dialog: ReactNode;
}

/** Starts actions from your own buttons: `actions.open({ kind: 'power', power: 'shutdown', target })`. */
export function useActions(): Actions {
  const canRun = canOperate(useRole());
  const [request, setRequest] = useState<ActionRequest | null>(null);
  // Mounted from the first open on, so that closing still animates.
  const [opened, setOpened] = useState(false);
  const open = useCallback(
    (next: ActionRequest = {}) => {
      if (!canRun) return;
      setOpened(true);
      setRequest(next);
    },
    [canRun],
  );
  const close = useCallback(() => setRequest(null), []);
  const dialog = useMemo(
    () =>
      opened ? (
        <Suspense fallback={null}>
          <ActionDialog request={request} onClose={close} />
        </Suspense>
      ) : null,
    [opened, request, close],
  );
  return { canRun, open, dialog };
}
