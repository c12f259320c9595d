// The IDE served at /graphiql: GraphiQL with three fields above it for what every lienthong request
// needs — the bearer token and the purpose headers (X-Procedure-Code, X-Dossier-Id). The token stays in
// this tab's memory: it is never written to storage, and GraphiQL's own header persistence stays off.
import './monacoWorkers.ts';
import 'graphiql/style.css';
import './ide.css';
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { type ChangeEvent, StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';

interface Purpose {
  readonly token: string;
  readonly procedureCode: string;
  readonly dossierId: string;
}

/** POSTs JSON to the gateway on this same origin, with the purpose fields added to the editor's headers. */
function purposeFetcher(purpose: Purpose): GraphiQLProps['fetcher'] {
  return async (params, options) => {
    // Every request needs a token: say so rather than send one the gateway can only refuse.
    if (!purpose.token) return { errors: [{ message: 'Paste a bearer token in the field above.' }] };
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(options?.headers as Record<string, string> | undefined),
    };
    headers['authorization'] = `Bearer ${purpose.token.replace(/^Bearer\s+/i, '')}`;
    if (purpose.procedureCode) headers['x-procedure-code'] = purpose.procedureCode;
    if (purpose.dossierId) headers['x-dossier-id'] = purpose.dossierId;
    const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(params) });
    return response.json();
  };
}

function Field(props: { id: string; label: string; value: string; onChange: (value: string) => void }) {
  return (
    <label htmlFor={props.id}>
      {props.label}
      <input
        id={props.id}
        name={props.id}
        value={props.value}
        autoComplete="off"
        spellCheck={false}
        onChange={(event: ChangeEvent<HTMLInputElement>) => props.onChange(event.target.value.trim())}
      />
    </label>
  );
}

function Ide() {
  const [token, setToken] = useState('');
  const [procedureCode, setProcedureCode] = useState('');
  const [dossierId, setDossierId] = useState('');
  // A new fetcher makes GraphiQL introspect again: the schema appears once a token is pasted.
  const fetcher = useMemo(
    () => purposeFetcher({ token, procedureCode, dossierId }),
    [token, procedureCode, dossierId],
  );
  return (
    <div className="lienthong-ide">
      <form className="lienthong-purpose" onSubmit={(event) => event.preventDefault()}>
        <Field id="token" label="Bearer token" value={token} onChange={setToken} />
        <Field
          id="procedure-code"
          label="X-Procedure-Code"
          value={procedureCode}
          onChange={setProcedureCode}
        />
        <Field id="dossier-id" label="X-Dossier-Id" value={dossierId} onChange={setDossierId} />
      </form>
      <GraphiQL fetcher={fetcher} shouldPersistHeaders={false} />
    </div>
  );
}

const root = document.getElementById('graphiql');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Ide />
    </StrictMode>,
  );
}
