/**
 * What the referral web pages need of the API (issue 10, docs/care.md "Web pages"): the `sides` of
 * a referral the caller works on (the page offers only those sides' transitions, from the server's
 * state machine) and the inbox/outbox `direction` filter (400 naming the field on a bad value).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACILITY_TYPE_SYSTEM, ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

const VILLAGE = '330109001001';
const HOSPITAL_UNIT = '330109H01'; // the hospital's own unit: its staff do not cover the village
let server: TestServer;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};

const api = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
  fhirFetch(`${server.url}${path}`, { ...init, token, headers: init.body !== undefined ? { 'content-type': 'application/json' } : {} });
const post = async (resource: Record<string, unknown>) => {
  const res = await fhirFetch(`${server.fhir}/${resource.resourceType as string}`, { method: 'POST', body: resource });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const facility = (name: string, type: string, orgUnit: string) => post({ resourceType: 'Organization', name, extension: [{ url: ORG_UNIT_EXTENSION, valueCode: orgUnit }], type: [{ coding: [{ system: FACILITY_TYPE_SYSTEM, code: type }] }] });

beforeAll(async () => {
  server = await startTestServer();
  ids.clinic = await facility('村卫生室', 'village-clinic', VILLAGE);
  ids.hospital = await facility('区人民医院', 'district-hospital', HOSPITAL_UNIT);
  ids.patient = await post({ resourceType: 'Patient', gender: 'female', birthDate: '1950-01-01', extension: [{ url: ORG_UNIT_EXTENSION, valueCode: VILLAGE }] });
  tokens.vd = (await userToken(server, 'vd-web', 'village-doctor', VILLAGE)).token;
  tokens.sp = (await userToken(server, 'sp-web', 'specialist', HOSPITAL_UNIT)).token;
  const up = await api('/api/referrals', tokens.vd, { method: 'POST', body: { patient: ids.patient, requester: ids.clinic, performer: ids.hospital, priority: 'urgent', reason: { code: 'I63.9' } } });
  expect(up.status).toBe(201);
  ids.up = up.body.id;
  const down = await api('/api/referrals', server.token, { method: 'POST', body: { patient: ids.patient, requester: ids.hospital, performer: ids.clinic, reason: { code: 'E11.9' }, carePlan: { description: 'insulin at night', activities: ['glucose daily'] } } });
  expect(down.status).toBe(201);
  ids.down = down.body.id;
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('sides of a referral', () => {
  it('the village clinic is the sender of its up-referral, the hospital the receiver, a platform-wide user both', async () => {
    expect((await api(`/api/referrals/${ids.up}`, tokens.vd)).body.sides).toEqual(['sender']);
    expect((await api(`/api/referrals/${ids.up}`, tokens.sp)).body.sides).toEqual(['receiver']);
    expect((await api(`/api/referrals/${ids.up}`, server.token)).body.sides).toEqual(['receiver', 'sender']);
    // For the down-referral the roles swap.
    expect((await api(`/api/referrals/${ids.down}`, tokens.vd)).body.sides).toEqual(['receiver']);
  });

  it('the answer of a transition carries the sides too', async () => {
    const res = await api(`/api/referrals/${ids.up}/$transition`, tokens.sp, { method: 'POST', body: { to: 'accepted' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'accepted', sides: ['receiver'] });
  });
});

describe('direction filter', () => {
  it('filters the inbox and the outbox by direction', async () => {
    const inbox = async (q: string) => ((await api(`/api/referrals/inbox${q}`, tokens.vd)).body.rows as { id: string }[]).map((r) => r.id);
    expect(await inbox('')).toEqual([ids.down]);
    expect(await inbox('?direction=down')).toEqual([ids.down]);
    expect(await inbox('?direction=up')).toEqual([]);
    const outbox = async (q: string) => ((await api(`/api/referrals/outbox${q}`, tokens.vd)).body.rows as { id: string }[]).map((r) => r.id);
    expect(await outbox('?direction=up')).toEqual([ids.up]);
    expect(await outbox('?direction=lateral')).toEqual([]);
  });

  it('refuses an unknown direction with a 400 naming the field', async () => {
    const res = await api('/api/referrals/inbox?direction=sideways', tokens.vd);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].expression).toEqual(['direction']);
  });
});
