import { describe, expect, it } from 'vitest';
import type { SyncResponse } from './rounds-api';
import { settle, toSend, type QueuedVisit } from './sync-outcome';

const visit = (clientId: string, rejected?: QueuedVisit['rejected']): QueuedVisit => ({ clientId, recordedAt: '2025-06-20T01:00:00Z', patient: 'p', label: 'x', followUp: { date: '2025-06-20', bp: { systolic: 130, diastolic: 80 } }, ...(rejected ? { rejected } : {}) });
const ok = (index: number, clientId: string, status: 'created' | 'duplicate') => ({ index, clientId, status, patient: 'p', encounter: 'e', recordedAt: '', receivedAt: '' });

describe('settle', () => {
  it('removes only confirmed records, keeps rejected ones with their reason and unanswered ones as they are', () => {
    const sent = [visit('a'), visit('b'), visit('c'), visit('d')];
    const answer: SyncResponse = {
      receivedAt: '',
      counts: { created: 1, duplicate: 1, rejected: 1 },
      results: [ok(0, 'a', 'created'), ok(1, 'b', 'duplicate'), { index: 2, clientId: 'c', status: 'rejected', httpStatus: 409, retry: false, reason: 'conflict', outcome: { resourceType: 'OperationOutcome', issue: [] } }],
    };
    const s = settle(sent, answer, 'T');
    expect(s.remove).toEqual(['a', 'b']);
    expect(s.rejected).toEqual([{ ...visit('c'), rejected: { httpStatus: 409, reason: 'conflict', retry: false, at: 'T' } }]);
    expect(s.unanswered).toEqual(['d']);
  });

  it('does not take a result for another record (index and client id must both match)', () => {
    const s = settle([visit('a')], { receivedAt: '', counts: { created: 1, duplicate: 0, rejected: 0 }, results: [ok(0, 'zzz', 'created')] }, 'T');
    expect(s.remove).toEqual([]);
    expect(s.unanswered).toEqual(['a']);
  });
});

describe('toSend', () => {
  it('sends new records and those rejected for a passing fault, not those a resend cannot fix', () => {
    const q = [visit('a'), visit('b', { httpStatus: 503, reason: 'x', retry: true, at: 'T' }), visit('c', { httpStatus: 400, reason: 'bp', retry: false, at: 'T' })];
    expect(toSend(q).map((v) => v.clientId)).toEqual(['a', 'b']);
  });
});
