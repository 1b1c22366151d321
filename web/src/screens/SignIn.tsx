import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  demoPeople,
  finishOidcSignIn,
  runtimeConfig,
  signInAs,
  startOidcSignIn,
  type DemoPersonView,
  type RuntimeConfig,
  type Session,
} from '../session';

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const { t } = useTranslation();
  const [people, setPeople] = useState<DemoPersonView[] | null>(null);
  const [config, setConfig] = useState<RuntimeConfig | null>(null);
  const [error, setError] = useState<string | null>(null);
  const signedIn = useRef(onSignedIn);
  signedIn.current = onSignedIn;
  useEffect(() => {
    // Back from the identity provider: exchange the code, then the app opens.
    finishOidcSignIn().then(
      (s) => s && signedIn.current(s),
      (e: Error) => setError(t('signIn.oidcFailed', { reason: e.message })),
    );
    void runtimeConfig().then(setConfig);
    demoPeople()
      .then(setPeople)
      .catch(() => setPeople([]));
  }, [t]);
  const oidc = config?.oidc;
  return (
    <section className="card narrow">
      {oidc && (
        <button
          type="button"
          className="primary"
          onClick={() => {
            setError(null);
            startOidcSignIn(oidc).catch((e: Error) => setError(t('signIn.oidcFailed', { reason: e.message })));
          }}
        >
          {t('signIn.oidc')}
        </button>
      )}
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
