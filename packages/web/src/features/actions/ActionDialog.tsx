import type { Script } from '@labmgr/protocol';
import { Alert, Button, Code, Divider, Group, Modal, SegmentedControl, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import { useId, useMemo, useState } from 'react';
import { useCreateCommand } from '../../api/commands.js';
import { useLiveState } from '../../api/LiveProvider.js';
import { useComputers, useLabList } from '../../api/queries.js';
import { useScripts } from '../../api/scripts.js';
import { notifyError } from '../../components/notify.js';
import {
  type ActionDraft,
  commandCreate,
  type DraftDefaults,
  draftProblem,
  guessShell,
  initialDraft,
  paramValue,
} from './drafts.js';
import { MessageFields } from './MessageFields.js';
import { notifyJobStarted } from './notify-job.js';
import { PowerFields } from './PowerFields.js';
import { ScriptFields } from './ScriptFields.js';
import { ShellFields } from './ShellFields.js';
import { TargetPicker } from './TargetPicker.js';
import { EMPTY_PICK, pickedTarget, type TargetPick } from './target-pick.js';
import type { ActionKind, ActionRequest } from './types.js';
import { WakeFields } from './WakeFields.js';
import {
  confirmLabel,
  confirmQuestion,
  countTargets,
  KIND_LABEL,
  needsConfirmation,
  sentTitle,
  submitLabel,
  targetPhrase,
} from './wording.js';

const KINDS: ActionKind[] = ['shell', 'script', 'power', 'message', 'wake'];
const isKind = (v: string): v is ActionKind => (KINDS as string[]).includes(v);

export interface ActionDialogProps {
  /** The dialog is open while this is set. */
  request: ActionRequest | null;
  onClose: () => void;
}

/** The modal that starts an action; its form starts afresh each time it opens. */
export function ActionDialog({ request, onClose }: ActionDialogProps) {
  return (
    <Modal
      opened={request !== null}
      onClose={onClose}
      title={<Text fw={650}>{request?.target ? 'Run an action' : 'New command'}</Text>}
      size="lg"
      centered
    >
      {request && <ActionForm request={request} onDone={onClose} />}
    </Modal>
  );
}

function ActionForm({ request, onDone }: { request: ActionRequest; onDone: () => void }) {
  const live = useLiveState();
  const fleet = useComputers(live).data?.items;
  const labs = useLabList(request.target === undefined);
  const [pick, setPick] = useState<TargetPick>(EMPTY_PICK);
  const target = request.target ?? pickedTarget(pick, fleet, labs.data?.items);

  const [kind, setKind] = useState<ActionKind>(request.kind ?? 'shell');
  const [drafts, setDrafts] = useState<Partial<Record<ActionKind, ActionDraft>>>({});
  const defaults: DraftDefaults = {
    shell: guessShell(request.target ?? null, fleet),
    power: request.power,
    scriptId: request.scriptId,
  };
  const draft = drafts[kind] ?? initialDraft(kind, defaults);
  const setDraft = (d: ActionDraft) => setDrafts((all) => ({ ...all, [d.kind]: d }));

  const scripts = useScripts(kind === 'script');
  const script =
    draft.kind === 'script' ? scripts.data?.items.find((s) => s.id === draft.scriptId) : undefined;

  const [step, setStep] = useState<'form' | 'confirm'>('form');
  const [showProblem, setShowProblem] = useState(false);
  const create = useCreateCommand();
  const kindLabelId = useId();

  const count = useMemo(() => (target ? countTargets(target, fleet) : null), [target, fleet]);
  const phrase = target ? targetPhrase(target, count) : '';
  const problem = draftProblem(draft, script);
  // Wake-on-LAN is for computers that are off: "all online" has nothing to wake.
  const kinds = target?.type === 'allOnline' ? KINDS.filter((k) => k !== 'wake') : KINDS;
  const noTarget = target === null || count === 0;

  const send = () => {
    if (!target) return;
    create.mutate(commandCreate(draft, target, script), {
      onSuccess: (job) => {
        notifyJobStarted(job, sentTitle(draft, job.runs.length, script?.name));
        onDone();
      },
      onError: (error) => notifyError(error, 'Could not start the command'),
    });
  };
  const submit = () => {
    if (problem !== null) {
      setShowProblem(true);
      return;
    }
    if (needsConfirmation(draft, count)) setStep('confirm');
    else send();
  };

  if (step === 'confirm' && target) {
    const destructive = draft.kind === 'power';
    return (
      <Stack gap="md">
        <Alert
          color={destructive ? 'red' : 'orange'}
          variant="light"
          icon={<IconAlertTriangle size={20} />}
          title={confirmQuestion(draft, phrase, script?.name)}
        >
          <ConfirmDetails draft={draft} script={script} />
        </Alert>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={() => setStep('form')} disabled={create.isPending}>
            Back
          </Button>
          <Button
            color={destructive ? 'red' : undefined}
            loading={create.isPending}
            onClick={send}
            data-autofocus
          >
            {confirmLabel(draft, count)}
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Stack gap="md">
        {request.target ? (
          <Text size="sm">
            On <b>{phrase}</b>
          </Text>
        ) : (
          <>
            <TargetPicker value={pick} onChange={setPick} />
            <Divider />
          </>
        )}
        <Stack gap={4}>
          <Text size="sm" fw="var(--mantine-font-weight-medium)" id={kindLabelId}>
            Action
          </Text>
          <SegmentedControl
            aria-labelledby={kindLabelId}
            fullWidth
            data={kinds.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
            value={kind}
            onChange={(v) => {
              if (isKind(v)) {
                setKind(v);
                setShowProblem(false);
              }
            }}
          />
        </Stack>
        {draft.kind === 'shell' && <ShellFields draft={draft} onChange={setDraft} />}
        {draft.kind === 'script' && (
          <ScriptFields
            draft={draft}
            onChange={setDraft}
            scripts={scripts.data?.items}
            loading={scripts.isPending}
            error={scripts.isError ? scripts.error.message : null}
          />
        )}
        {draft.kind === 'power' && <PowerFields draft={draft} onChange={setDraft} />}
        {draft.kind === 'message' && <MessageFields draft={draft} onChange={setDraft} />}
        {draft.kind === 'wake' && <WakeFields draft={draft} onChange={setDraft} />}
        {target && count === 0 && (
          <Alert color="gray" icon={<IconInfoCircle size={18} />}>
            No computer matches this target right now.
          </Alert>
        )}
        {showProblem && problem !== null && (
          <Text size="sm" c="red" role="alert">
            {problem}
          </Text>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" disabled={noTarget} loading={create.isPending}>
            {needsConfirmation(draft, count) ? `${confirmLabel(draft, count)}…` : submitLabel(draft)}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** What is about to be sent, so the confirmation says it once more. */
function ConfirmDetails({ draft, script }: { draft: ActionDraft; script: Script | undefined }) {
  switch (draft.kind) {
    case 'shell':
      return (
        <Code block fz="xs" mah={160} style={{ overflow: 'auto' }}>
          {draft.command}
        </Code>
      );
    case 'power':
      return (
        <Text size="sm">
          {draft.delayMin === 0 ? 'Right away.' : `In ${draft.delayMin} min.`}{' '}
          {draft.action === 'reboot' || draft.action === 'shutdown' || draft.action === 'logoff'
            ? 'Unsaved work is lost.'
            : ''}
        </Text>
      );
    case 'message':
      return (
        <Text size="sm">
          <b>{draft.title}</b>: {draft.text}
        </Text>
      );
    case 'script': {
      const params = script?.parameters ?? [];
      return (
        <Text size="sm">
          Version {script?.version}
          {params.length > 0 &&
            ` with ${params.map((p) => `${p.name}=“${paramValue(script as Script, draft, p.name)}”`).join(', ')}`}
          .
        </Text>
      );
    }
    case 'wake':
      return <Text size="sm">Magic packets go out on UDP port {draft.port}.</Text>;
  }
}
