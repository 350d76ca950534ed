import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { canOperate, useRole } from '../../app/use-role.js';
import { ActionDialog } from './ActionDialog.js';
import type { ActionRequest } from './types.js';

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
  const open = useCallback(
    (next: ActionRequest = {}) => {
      if (canRun) setRequest(next);
    },
    [canRun],
  );
  const close = useCallback(() => setRequest(null), []);
  const dialog = useMemo(() => <ActionDialog request={request} onClose={close} />, [request, close]);
  return { canRun, open, dialog };
}
