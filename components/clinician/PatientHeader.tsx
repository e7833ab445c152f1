// The patient as a clinician page shows them: masked name and identifiers, sex, age.
export default function PatientHeader({ patient, subtitle }: { patient: { name: string; sex: string; age: string; idCard: string }; subtitle: string }) {
  return (
    <header className="patient-header">
      <div>
        <span className="patient-name" data-testid="patient-name">{patient.name}</span>
        <span>{patient.sex}</span>
        <span>{patient.age}</span>
        <span className="muted">身份证 <span data-testid="patient-id-card">{patient.idCard || '—'}</span></span>
      </div>
      <div className="muted">{subtitle}</div>
    </header>
  );
}
