import { ApolloProvider } from '@apollo/client';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { makeClient } from './apollo';
import { loadSession, saveSession, type Session } from './session';
import { SignIn } from './screens/SignIn';
import { GridMemberApp } from './screens/GridMember';
import { OfficerConsole } from './screens/Officer';
import { DepartmentDesk } from './screens/Department';
import { MediatorDesk } from './screens/Mediator';
import { AnalystView } from './screens/Analyst';

function Screen({ session }: { session: Session }) {
  switch (session.role) {
    case 'GRID_MEMBER':
      return <GridMemberApp session={session} />;
    case 'DEPARTMENT_OFFICER':
      return <DepartmentDesk />;
    case 'MEDIATOR':
      return <MediatorDesk session={session} />;
    case 'ANALYST':
      return <AnalystView session={session} />;
    default:
      return <OfficerConsole session={session} />;
  }
}

export function App() {
  const { t, i18n } = useTranslation();
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [large, setLarge] = useState(() => localStorage.getItem('civgrid.large') === '1');
  useEffect(() => {
    document.documentElement.classList.toggle('large', large);
    localStorage.setItem('civgrid.large', large ? '1' : '0');
  }, [large]);
  const client = useMemo(
    () =>
      session
        ? makeClient(session, () => {
            saveSession(null);
            setSession(null);
          })
        : null,
    [session],
  );
  return (
    <div className="app">
      <header className="bar">
        <h1>{t('app.title')}</h1>
        <div className="bar-tools">
          <label>
            <input type="checkbox" checked={large} onChange={(e) => setLarge(e.target.checked)} /> {t('app.largeText')}
          </label>
          <button type="button" onClick={() => void i18n.changeLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}>
            {i18n.language === 'en' ? '中文' : 'English'}
          </button>
          {session && (
            <button
              type="button"
              onClick={() => {
                saveSession(null);
                setSession(null);
              }}
            >
              {t('app.signOut')} ({session.name})
            </button>
          )}
        </div>
      </header>
      <main>
        {session && client ? (
          <ApolloProvider client={client}>
            <Screen session={session} />
          </ApolloProvider>
        ) : (
          <SignIn
            onSignedIn={(s) => {
              saveSession(s);
              setSession(s);
            }}
          />
        )}
      </main>
    </div>
  );
}
