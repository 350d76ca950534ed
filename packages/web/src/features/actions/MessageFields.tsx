import { Textarea, TextInput } from '@mantine/core';
import type { MessageDraft } from './drafts.js';

export function MessageFields({
  draft,
  onChange,
}: {
  draft: MessageDraft;
  onChange: (d: MessageDraft) => void;
}) {
  return (
    <>
      <TextInput
        label="Title"
        placeholder="Lab closing"
        maxLength={120}
        data-autofocus
        value={draft.title}
        onChange={(e) => onChange({ ...draft, title: e.currentTarget.value })}
      />
      <Textarea
        label="Message"
        description="Shown to everyone logged in on these computers"
        placeholder="The lab closes in 10 minutes. Please save your work."
        autosize
        minRows={3}
        maxRows={8}
        maxLength={2000}
        value={draft.text}
        onChange={(e) => onChange({ ...draft, text: e.currentTarget.value })}
      />
    </>
  );
}
