/**
 * Patient 360 (issue 9): demographics and family-doctor team, risk with explanation, open tasks,
 * conditions, BP/glucose chart, active medicines and dispenses, linked records (MPI), encounter
 * timeline. Each panel loads on its own and shows its own state.
 */
import type { Patient } from '@medplum/fhirtypes';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ageAt, displayName, extensionValue, FAMILY_DOCTOR_TEAM_EXTENSION, identifierValue, pinyinName, refId, RESIDENT_ID_SYSTEM } from '../api/fhir-codes';
import { api } from '../api/client';
import { registryOf } from '../api/chronic';
import { careTeam, conditionsOf, encountersOf, linkedRecordsOf, medicationsOf, openTasksOf, risksOf, vitalsOf } from '../api/patients';
import { ConditionList, EncounterTimeline, MedicineTables } from '../components/PatientPanels';
import { LinkedRecords } from '../components/patient/LinkedRecords';
import { OpenTaskList } from '../components/patient/OpenTasks';
import { RiskList } from '../components/patient/RiskPanel';
import { Empty, ErrorBox, Loading } from '../components/Status';
import { VitalsChart } from '../components/VitalsChart';
import { useI18n, type MessageKey } from '../i18n';

function Panel({ id, title, query, children }: { id: string; title: string; query: { isPending: boolean; error: unknown; refetch: () => unknown }; children: () => ReactNode }) {
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid={`panel-${id}`}>
      <h2 id={`${id}-h`}>{title}</h2>
      {query.isPending ? <Loading inline /> : query.error ? <ErrorBox error={query.error} onRetry={() => void query.refetch()} /> : children()}
    </section>
  );
}

export function PatientPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const patient = useQuery({ queryKey: ['patient', id], queryFn: () => api.read<Patient>('Patient', id) });
  const teamId = refId(extensionValue(patient.data?.extension, FAMILY_DOCTOR_TEAM_EXTENSION)?.valueReference);
  const team = useQuery({ queryKey: ['care-team', teamId], queryFn: () => careTeam(teamId!), enabled: !!teamId, staleTime: Infinity });
  const conditions = useQuery({ queryKey: ['conditions', id], queryFn: () => conditionsOf(id) });
  const vitals = useQuery({ queryKey: ['vitals', id], queryFn: () => vitalsOf(id) });
  const meds = useQuery({ queryKey: ['meds', id], queryFn: () => medicationsOf(id) });
  const encounters = useQuery({ queryKey: ['encounters', id], queryFn: () => encountersOf(id) });
  const risks = useQuery({ queryKey: ['risks', id], queryFn: () => risksOf(id) });
  // Under ['chronic'] so completing a Task on the workstation refreshes it.
  const tasks = useQuery({ queryKey: ['chronic', 'patient-tasks', id], queryFn: () => openTasksOf(id) });
  const linked = useQuery({ queryKey: ['linked', id], queryFn: () => linkedRecordsOf(id) });
  // Adherence over the 12 months to the last dispense (the server's PQA PDC).
  const lastDispense = meds.data?.dispenses[0]?.whenHandedOver?.slice(0, 10);
  const adherence = useQuery({ queryKey: ['chronic', 'adherence', id, lastDispense], queryFn: () => registryOf(id, lastDispense), enabled: !!lastDispense });

  if (patient.isPending) return <Loading />;
  if (patient.error) return <ErrorBox error={patient.error} onRetry={() => void patient.refetch()} />;
  const p = patient.data;
  const died = p.deceasedDateTime;
  const age = ageAt(p.birthDate, died ? new Date(died) : new Date());
  return (
    <div className="page patient" data-testid="patient-360">
      <p>
        <Link to="/workstation">← {t('common.back')}</Link>
      </p>
      <h1>
        {displayName(p.name)} <small className="muted">{pinyinName(p.name)}</small>
      </h1>
      <section className="panel demographics" aria-labelledby="demo-h">
        <h2 id="demo-h" className="visually-hidden">
          {t('patient.demographics')}
        </h2>
        <dl className="facts">
          <div>
            <dt>{t('ws.col.gender')}</dt>
            <dd>{p.gender ? t(`gender.${p.gender}` as MessageKey) : ''}</dd>
          </div>
          <div>
            <dt>{t('ws.col.birthDate')}</dt>
            <dd>
              {p.birthDate} {age !== undefined && `(${t('patient.age', { n: age })})`} {died && <span className="badge resolved">{t('patient.deceased', { date: died.slice(0, 10) })}</span>}
            </dd>
          </div>
          <div>
            <dt>{t('patient.residentId')}</dt>
            <dd className="mono">{identifierValue(p.identifier, RESIDENT_ID_SYSTEM) ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('patient.phone')}</dt>
            <dd className="mono">{p.telecom?.find((x) => x.system === 'phone')?.value ?? '—'}</dd>
          </div>
          <div className="wide">
            <dt>{t('patient.address')}</dt>
            <dd>{p.address?.[0]?.text ?? '—'}</dd>
          </div>
          <div className="wide">
            <dt>{t('patient.team')}</dt>
            <dd>{teamId ? (team.data?.name ?? '…') : t('patient.unsigned')}</dd>
          </div>
        </dl>
      </section>
      <div className="grid-2">
        <Panel id="risk" title={t('p360.risk')} query={risks}>
          {() => <RiskList risks={risks.data!} />}
        </Panel>
        <Panel id="tasks" title={t('p360.tasks')} query={tasks}>
          {() => <OpenTaskList tasks={tasks.data!} today={new Date().toISOString().slice(0, 10)} />}
        </Panel>
      </div>
      <div className="grid-2">
        <Panel id="vitals" title={t('patient.vitals')} query={vitals}>
          {() => (vitals.data!.length ? <VitalsChart points={vitals.data!} /> : <Empty text={t('patient.noVitals')} />)}
        </Panel>
        <Panel id="conditions" title={t('patient.conditions')} query={conditions}>
          {() => <ConditionList conditions={conditions.data!} />}
        </Panel>
      </div>
      <Panel id="medicines" title={t('patient.medsPanel')} query={meds}>
        {() => <MedicineTables requests={meds.data!.requests} dispenses={meds.data!.dispenses} adherence={adherence.data?.adherence} />}
      </Panel>
      <Panel id="linked" title={t('p360.linked')} query={linked}>
        {() => <LinkedRecords person={linked.data!.person} records={linked.data!.records} />}
      </Panel>
      <Panel id="timeline" title={t('patient.timeline')} query={encounters}>
        {() => <EncounterTimeline encounters={encounters.data!.encounters} facilities={encounters.data!.facilities} conditions={conditions.data ?? []} />}
      </Panel>
    </div>
  );
}
