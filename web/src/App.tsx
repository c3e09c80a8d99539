/** Routes of the web app. */
import { Navigate, Route, Routes } from 'react-router';
import { useAuth } from './components/AuthProvider';
import { Layout } from './components/Layout';
import { Loading } from './components/Status';
import { useI18n } from './i18n';
import { CdcPage } from './pages/CdcPage';
import { SignalPage } from './pages/cdc/SignalPage';
import { CockpitPage } from './pages/CockpitPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { PatientPage } from './pages/PatientPage';
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
        <Route path="/patients/:id" element={<PatientPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
