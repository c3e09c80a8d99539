// @vitest-environment jsdom
/**
 * The follow-up form as a component (issue 9): rendered with Testing Library in jsdom inside the
 * providers main.tsx gives it (TanStack Query, i18n). The network is the only thing replaced: a
 * stand-in for `fetch` answers the patient read and the registry look-up and records each POST.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../../i18n';
import { FollowUpForm } from './FollowUpForm';

const PATIENT = 'p-1';

/** Requests the form made: method, path and parsed body. */
let requests: { method: string; path: string; body?: unknown }[] = [];

function fakeServer(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const path = String(input);
  const method = init?.method ?? 'GET';
  const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
  requests.push({ method, path, body });
  const json = (status: number, value: unknown) => Promise.resolve(new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } }));
  if (method === 'GET' && path === `/fhir/Patient/${PATIENT}`) return json(200, { resourceType: 'Patient', id: PATIENT, name: [{ use: 'official', text: '王小明', family: '王', given: ['小明'] }] });
  if (method === 'GET' && path.startsWith(`/api/chronic/registry/${PATIENT}`)) {
    return json(200, { patient: PATIENT, adherence: [], rows: [{ resident: PATIENT, condition: 'hypertension', orgUnit: '330109001001', careTeam: null, basis: 'diagnosis', since: '2024-01-01', status: 'controlled', control: 'controlled', nextDue: null, lastFollowUp: null, lastReading: null, consecutiveUncontrolled: 0, urgent: false, urgentReason: null, referral: false, episode: null, lastCall: null }] });
  }
  if (method === 'POST' && path === '/api/chronic/follow-ups') return json(201, { encounter: 'e-1', observations: ['o-1'], medicationRequests: [], episodes: [], registry: [] });
  return json(404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', details: { text: `no ${method} ${path}` } }] });
}

function renderForm() {
  const onDone = vi.fn();
  const onCancel = vi.fn();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <I18nProvider>
        <FollowUpForm patient={PATIENT} onDone={onDone} onCancel={onCancel} />
      </I18nProvider>
    </QueryClientProvider>,
  );
  return { onDone, onCancel };
}

beforeEach(() => {
  requests = [];
  localStorage.setItem('hb.locale', 'en');
  vi.stubGlobal('fetch', vi.fn(fakeServer));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

const posts = () => requests.filter((r) => r.method === 'POST');

describe('FollowUpForm', () => {
  it('shows the range message next to systolic BP 400 and does not submit', async () => {
    const user = userEvent.setup();
    const { onDone } = renderForm();
    const sbp = await screen.findByLabelText('Systolic BP (mmHg)');
    await user.type(sbp, '400');
    await user.type(screen.getByLabelText('Diastolic BP (mmHg)'), '90');
    await user.click(screen.getByRole('button', { name: 'Save follow-up' }));

    const error = await screen.findByTestId('fu-error-sbp');
    expect(error.textContent).toBe('Not plausible: must be 60–300 mmHg');
    // Next to the field: announced by it, and the field is marked invalid.
    expect(sbp.getAttribute('aria-invalid')).toBe('true');
    expect(sbp.getAttribute('aria-describedby')).toContain(error.id);
    expect(screen.getByLabelText('Diastolic BP (mmHg)').getAttribute('aria-invalid')).toBe('false');
    expect(document.activeElement).toBe(sbp);
    expect(posts()).toEqual([]);
    expect(onDone).not.toHaveBeenCalled();
  });

  it('submits a valid entry as one POST with the right body', async () => {
    const user = userEvent.setup();
    const { onDone } = renderForm();
    await user.type(await screen.findByLabelText('Systolic BP (mmHg)'), '138');
    await user.type(screen.getByLabelText('Diastolic BP (mmHg)'), '86');
    await user.click(screen.getByRole('button', { name: 'Save follow-up' }));

    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(screen.queryByTestId('fu-error-sbp')).toBeNull();
    expect(posts()).toHaveLength(1);
    const today = new Date().toISOString().slice(0, 10);
    const next = new Date(Date.parse(today) + 91 * 86_400_000).toISOString().slice(0, 10);
    // Registered for hypertension already: no `conditions`; no medicine chosen: no `medicines`.
    expect(posts()[0]).toEqual({ method: 'POST', path: '/api/chronic/follow-ups', body: { patient: PATIENT, date: today, bp: { systolic: 138, diastolic: 86 }, nextDate: next } });
    expect(onDone.mock.calls[0][0]).toMatchObject({ encounter: 'e-1' });
    expect(onDone.mock.calls[0][1]).toBe('王小明');
  });

  it('sends the symptoms ticked and the adherence chosen; "no symptoms" unticks the others', async () => {
    const user = userEvent.setup();
    const { onDone } = renderForm();
    await user.type(await screen.findByLabelText('Systolic BP (mmHg)'), '150');
    await user.type(screen.getByLabelText('Diastolic BP (mmHg)'), '95');
    // The hypertension form's list (a diabetes-only symptom is not offered to this patient).
    expect(screen.queryByLabelText('Frequent urination')).toBeNull();
    await user.click(screen.getByLabelText('Headache, dizziness'));
    await user.click(screen.getByLabelText('No symptoms'));
    expect((screen.getByLabelText('Headache, dizziness') as HTMLInputElement).checked).toBe(false);
    await user.click(screen.getByLabelText('Headache, dizziness'));
    await user.click(screen.getByLabelText('Swollen legs'));
    expect((screen.getByLabelText('No symptoms') as HTMLInputElement).checked).toBe(false);
    await user.selectOptions(screen.getByLabelText('Takes the medicines'), 'Intermittently');
    await user.click(screen.getByRole('button', { name: 'Save follow-up' }));

    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(posts()[0].body).toMatchObject({ bp: { systolic: 150, diastolic: 95 }, symptoms: ['headache-dizziness', 'leg-oedema'], adherence: 'intermittent' });
  });
});
