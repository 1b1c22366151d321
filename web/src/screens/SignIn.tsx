import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { demoPeople, signInAs, type DemoPersonView, type Session } from '../session';

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const { t } = useTranslation();
  const [people, setPeople] = useState<DemoPersonView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    demoPeople()
      .then(setPeople)
      .catch(() => setPeople([]));
  }, []);
  return (
    <section className="card narrow">
      <h2>{t('signIn.title')}</h2>
      {people === null && <p>{t('common.loading')}</p>}
      {people?.length === 0 && <p>{t('signIn.none')}</p>}
      <ul className="people">
        {people?.map((p) => (
          <li key={p.key}>
            <button
              type="button"
              className="person"
              onClick={() => {
                setError(null);
                signInAs(p.key).then(onSignedIn, (e: Error) => setError(e.message));
              }}
            >
              <strong>{t(`role.${p.role}`)}</strong> · {p.name}
              <small>{p.description}</small>
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
