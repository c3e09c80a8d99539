/** Routes of the web app. */
import { Navigate, Route, Routes } from 'react-router';
import { useAuth } from './components/AuthProvider';
import { Layout } from './components/Layout';
import { Loading } from './components/Status';
import { useI18n } from './i18n';
import { CdcPage } from './pages/CdcPage';
import { SignalPage } from './pages/cdc/SignalPage';
import { CockpitPage } from './pages/CockpitPage';
import { DispensePage } from './pages/dispense/DispensePage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { MpiQueuePage } from './pages/mpi/MpiQueuePage';
import { PairPage } from './pages/mpi/PairPage';
import { PersonPage } from './pages/mpi/PersonPage';
import { PatientPage } from './pages/PatientPage';
import { ReferralPage } from './pages/referrals/ReferralPage';
import { ReferralsPage } from './pages/referrals/ReferralsPage';
import { CentrePage } from './pages/centres/CentrePage';
import { CentresPage } from './pages/centres/CentresPage';
import { RoundsPage } from './pages/rounds/RoundsPage';
import { TeleconsultPage } from './pages/teleconsult/TeleconsultPage';
import { VisitPage } from './pages/visits/VisitPage';
import { WorkstationPage } from './pages/WorkstationPage';
import { homePathFor } from './roles';

/** `/`: the user's own home (their first workspace). */
function RoleHome() {
  const { roles, loading, needsLogin } = useAuth();
  if (loading || needsLogin) return <Loading />;
  return <Navigate to={homePathFor(roles)} replace />;
}

function NotFound() {
  const { t } = useI18n();
  return <h1>{t('notFound.title')}</h1>;
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<Layout />}>
        <Route index element={<RoleHome />} />
        <Route path="/home" element={<HomePage />} />
        <Route path="/cockpit" element={<CockpitPage />} />
        <Route path="/cockpit/:unit" element={<CockpitPage />} />
        <Route path="/cdc" element={<CdcPage />} />
        <Route path="/cdc/signals/:id" element={<SignalPage />} />
        <Route path="/workstation" element={<WorkstationPage />} />
        <Route path="/dispense" element={<DispensePage />} />
        <Route path="/patients/:id" element={<PatientPage />} />
        {/* Not /mpi/reviews or /mpi/persons: those GET paths are the server's MPI API. */}
        <Route path="/mpi" element={<MpiQueuePage />} />
        <Route path="/mpi/pairs/:id" element={<PairPage />} />
        <Route path="/mpi/people/:id" element={<PersonPage />} />
        <Route path="/referrals" element={<ReferralsPage />} />
        <Route path="/referrals/:id" element={<ReferralPage />} />
        <Route path="/centres" element={<CentresPage />} />
        <Route path="/centres/:code" element={<CentrePage />} />
        <Route path="/rounds" element={<RoundsPage />} />
        <Route path="/visits" element={<VisitPage />} />
        <Route path="/teleconsult" element={<TeleconsultPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
