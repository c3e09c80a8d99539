/**
 * The visit form's fields → the POST /api/care/visits body (pure). Empty fields are left out; the
 * server checks plausibility (BP, glucose, temperature …) and names the field in its 400.
 */
import type { AttachmentBody } from '../../api/teleconsults';
import type { VisitBody } from '../../api/visits';

export interface VisitForm {
  patient: string;
  clinic: string;
  complaint: string;
  systolic: string;
  diastolic: string;
  glucose: string;
  weight: string;
  temperature: string;
  /** ICD-10 codes separated by commas or spaces. */
  diagnoses: string;
  atc: string;
  drugName: string;
  daysSupply: string;
  perDay: string;
  quantity: string;
  dispensed: boolean;
  outcome: 'resolved' | 'teleconsult' | 'referred';
  consultant: string;
  question: string;
  performer: string;
  priority: 'routine' | 'urgent';
  note: string;
}

export const EMPTY_VISIT: VisitForm = { patient: '', clinic: '', complaint: '', systolic: '', diastolic: '', glucose: '', weight: '', temperature: '', diagnoses: '', atc: '', drugName: '', daysSupply: '', perDay: '', quantity: '', dispensed: false, outcome: 'resolved', consultant: '', question: '', performer: '', priority: 'routine', note: '' };

const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s.trim()));

export function visitBody(f: VisitForm, attachments: AttachmentBody[]): VisitBody {
  const systolic = num(f.systolic);
  const diastolic = num(f.diastolic);
  const glucose = num(f.glucose);
  const weight = num(f.weight);
  const temperature = num(f.temperature);
  const codes = f.diagnoses.split(/[\s,，;]+/).map((c) => c.trim()).filter(Boolean);
  const quantity = num(f.quantity);
  const outcome: VisitBody['outcome'] =
    f.outcome === 'resolved'
      ? { kind: 'resolved' }
      : f.outcome === 'teleconsult'
        ? { kind: 'teleconsult', consultant: f.consultant, question: f.question.trim(), priority: f.priority, ...(attachments.length ? { attachments } : {}) }
        : { kind: 'referred', performer: f.performer, priority: f.priority, ...(f.note.trim() ? { note: f.note.trim() } : {}) };
  return {
    patient: f.patient.trim(),
    clinic: f.clinic,
    ...(f.complaint.trim() ? { complaint: f.complaint.trim() } : {}),
    // A half-typed BP goes as is: the server names the missing field.
    ...(systolic !== undefined || diastolic !== undefined ? { bp: { systolic: systolic as number, diastolic: diastolic as number } } : {}),
    ...(glucose !== undefined ? { glucose: { value: glucose, unit: 'mmol/L' as const } } : {}),
    ...(weight !== undefined ? { weight } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(codes.length ? { diagnoses: codes.map((code) => ({ code })) } : {}),
    ...(f.atc.trim()
      ? { prescriptions: [{ atc: f.atc.trim().toUpperCase(), ...(f.drugName.trim() ? { name: f.drugName.trim() } : {}), daysSupply: num(f.daysSupply) ?? 0, ...(num(f.perDay) !== undefined ? { perDay: num(f.perDay) } : {}), ...(quantity !== undefined ? { quantity } : {}), ...(f.dispensed && quantity !== undefined ? { dispensed: { quantity } } : {}) }] }
      : {}),
    outcome,
  };
}

/** Reads a picked file as an attachment (base64 data). */
export function readAttachment(file: File): Promise<AttachmentBody> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve({ contentType: file.type || 'application/octet-stream', title: file.name, data: String(reader.result).replace(/^data:[^,]*,/, '') });
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
