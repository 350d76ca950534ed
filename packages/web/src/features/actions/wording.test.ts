import { describe, expect, it } from 'vitest';
import { bareComputer as pc } from '../../test-fixtures.js';
import { initialDraft } from './drafts.js';
import {
  confirmLabel,
  confirmQuestion,
  countTargets,
  needsConfirmation,
  sentTitle,
  targetPhrase,
} from './wording.js';

const fleet = [
  pc('a', { labId: 'r101', tags: ['gpu'] }),
  pc('b', { labId: 'r101', status: 'offline' }),
  pc('c', { tags: ['gpu'] }),
];

describe('countTargets', () => {
  it('counts lab, tag and online computers from the fleet', () => {
    expect(countTargets({ type: 'lab', labId: 'r101', name: 'Room 101' }, fleet)).toBe(2);
    expect(countTargets({ type: 'tag', tag: 'gpu' }, fleet)).toBe(2);
    expect(countTargets({ type: 'allOnline' }, fleet)).toBe(2);
  });

  it('knows explicit computers without the fleet, and nothing else', () => {
    expect(countTargets({ type: 'computers', computers: [{ id: 'a', name: 'a' }] }, undefined)).toBe(1);
    expect(countTargets({ type: 'allOnline' }, undefined)).toBeNull();
  });
});

describe('targetPhrase', () => {
  it('names one computer, counts several', () => {
    expect(targetPhrase({ type: 'computers', computers: [{ id: 'x', name: 'pc-07' }] }, 1)).toBe('pc-07');
    expect(
      targetPhrase(
        {
          type: 'computers',
          computers: [
            { id: 'x', name: 'a' },
            { id: 'y', name: 'b' },
          ],
        },
        2,
      ),
    ).toBe('2 computers');
  });

  it('names the lab, tag and online fleet', () => {
    expect(targetPhrase({ type: 'lab', labId: 'l', name: 'Room 101' }, 24)).toBe('24 computers in Room 101');
    expect(targetPhrase({ type: 'tag', tag: 'gpu' }, 1)).toBe('1 computer tagged gpu');
    expect(targetPhrase({ type: 'allOnline' }, 40)).toBe('all 40 online computers');
    expect(targetPhrase({ type: 'lab', labId: 'l', name: 'Room 101' }, null)).toBe(
      'the computers in Room 101',
    );
  });
});

describe('confirmation', () => {
  it('asks before any power action, even on one computer', () => {
    expect(needsConfirmation(initialDraft('power'), 1)).toBe(true);
    expect(needsConfirmation(initialDraft('shell'), 1)).toBe(false);
    expect(needsConfirmation(initialDraft('shell'), 2)).toBe(true);
    expect(needsConfirmation(initialDraft('message'), null)).toBe(true);
  });

  it('names the action and the count', () => {
    const shutdown = initialDraft('power', { power: 'shutdown' });
    expect(confirmQuestion(shutdown, '24 computers in Room 101')).toBe('Shut down 24 computers in Room 101?');
    expect(confirmLabel(shutdown, 24)).toBe('Shut down 24 computers');
    expect(confirmQuestion(initialDraft('script'), '3 computers', 'Clean temp')).toBe(
      'Run “Clean temp” on 3 computers?',
    );
    expect(confirmLabel(initialDraft('message'), 1)).toBe('Send to 1 computer');
  });

  it('titles the toast with what was sent and to how many', () => {
    expect(sentTitle(initialDraft('power', { power: 'reboot' }), 24)).toBe('Reboot sent to 24 computers');
    expect(sentTitle(initialDraft('shell'), 1)).toBe('Command sent to 1 computer');
  });
});
