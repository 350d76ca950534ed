/**
 * Start an action (shell command, library script, power, message to users,
 * wake-on-LAN) on a set of computers from any page.
 *
 * Two ways in:
 *
 * 1. A ready-made button and menu, with its dialog. Renders nothing for viewers.
 *
 *      <ActionMenu target={{ type: 'lab', labId: lab.id, name: lab.name }} />
 *      <ActionMenu target={{ type: 'computers', computers: [{ id, name: hostname }] }} label="Act" />
 *
 * 2. Your own buttons: `useActions()` gives `canRun` (false for viewers: hide
 *    your buttons), `open(request)` and `dialog` (render it once in the page).
 *
 *      const actions = useActions();
 *      …
 *      {actions.canRun && (
 *        <Button onClick={() => actions.open({ kind: 'power', power: 'shutdown', target })}>Shut down</Button>
 *      )}
 *      {actions.dialog}
 *
 * `ActionRequest`: `kind` ('shell' | 'script' | 'power' | 'message' | 'wake';
 * default 'shell'), `target` (omit it and the dialog asks for one), `power`
 * (the power action preselected), `scriptId` (the library script preselected).
 *
 * `ActionTarget`: `{ type: 'computers', computers: [{ id, name }] }`,
 * `{ type: 'lab', labId, name }`, `{ type: 'tag', tag }` or `{ type: 'allOnline' }`.
 *
 * Power actions and anything reaching more than one computer ask for an
 * explicit confirmation naming the action and the count ("Shut down 24
 * computers in Room 101?"). Success shows a toast with the count and a link
 * to the job page; failure shows the server's reason and keeps the dialog open.
 */
export { ActionMenu, type ActionMenuProps } from './ActionMenu.js';
export type { ActionKind, ActionRequest, ActionTarget, TargetComputer } from './types.js';
export { type Actions, useActions } from './useActions.js';
