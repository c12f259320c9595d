// The soak's client: a steady rate of mixed, realistic requests spread over the gateway replicas
// (lookups, batches, audit queries and a share of bad requests), with a cap on requests in flight so
// that a slow stack makes the client skip, never pile up. Every request carries its own X-Request-Id,
// so that its audit record can be found afterwards.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from '../../lib/keys.ts';
import { cohortSerials } from '../../mocks/data/person.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { SOAK_ISSUER } from './soakEnvironment.ts';

export const SOAK_PROCEDURE = '1.003005';
export const SOAK_DOSSIER = 'H92.31-260101-0001';

export interface Outcome {
  readonly kind: string;
  readonly requestId: string;
  /** HTTP status, or 0 when no replica could be reached. */
  readonly status: number;
  /** The first error code, 'ok', or the transport failure. */
  readonly code: string;
  /** Served: a 200 carrying data (with its attestation), which must have exactly one audit record. */
  readonly served: boolean;
  readonly ms: number;
  /** Seconds since the soak started. */
  readonly at: number;
}

interface Shape {
  readonly kind: string;
  readonly weight: number;
  readonly build: (random: () => number) => {
    query: string;
    variables?: Record<string, unknown>;
    token?: 'audit' | 'none';
    headers?: Record<string, string>;
  };
}

/** Citizen ids in use in the mocks (serials below `cohortSerials` of the birth year; 3% are not found): born 1940–1999 or 2000–2019. */
function citizenId(random: () => number): string {
  const province = ['01', '79', '92', '48'][Math.floor(random() * 4)]!;
  const modern = random() < 0.3;
  const g = (modern ? 2 : 0) + Math.floor(random() * 2);
  const yy = modern ? Math.floor(random() * 20) : 40 + Math.floor(random() * 60);
  const serial = Math.floor(random() * cohortSerials((modern ? 2000 : 1900) + yy));
  return `0${province}${g}${String(yy).padStart(2, '0')}${String(serial).padStart(6, '0')}`;
}

const SHAPES: readonly Shape[] = [
  {
    kind: 'citizen',
    weight: 40,
    build: (random) => ({
      query: `query($id: ID!) { citizen(id: $id) { id fullName dateOfBirth permanentResidence { provinceName } spouse { fullName } socialInsurance { code } } }`,
      variables: { id: random() < 0.3 ? FIXTURES.husband : citizenId(random) },
    }),
  },
  {
    kind: 'family',
    weight: 10,
    build: () => ({
      query: `query($id: ID!) { citizen(id: $id) { fullName household { code members { citizen { id fullName } } } enterprises { code name } landCertificates { serial } } }`,
      variables: { id: FIXTURES.wife },
    }),
  },
  {
    kind: 'batch',
    weight: 15,
    build: (random) => ({
      query: `query($ids: [ID!]!) { citizens(ids: $ids) { id fullName socialInsurance { code } } }`,
      variables: { ids: Array.from({ length: 20 }, () => citizenId(random)) },
    }),
  },
  {
    kind: 'enterprise',
    weight: 10,
    build: () => ({
      query: `query($code: ID!) { enterprise(code: $code) { code name status legalRepresentative { fullName } } }`,
      variables: { code: FIXTURES.enterprise },
    }),
  },
  {
    kind: 'audit',
    weight: 10,
    build: () => ({
      query: `{ auditEvents(first: 10) { edges { node { id at clientId outcome subjects } } pageInfo { hasNextPage } } }`,
      token: 'audit',
    }),
  },
  { kind: 'bad-id', weight: 5, build: () => ({ query: '{ citizen(id: "12345") { fullName } }' }) },
  {
    kind: 'too-deep',
    weight: 4,
    build: () => ({
      query: `{ citizen(id: "${FIXTURES.husband}") { ${'spouse { '.repeat(20)}id${' }'.repeat(20)} } }`,
    }),
  },
  {
    kind: 'no-token',
    weight: 3,
    build: () => ({ query: `{ citizen(id: "${FIXTURES.husband}") { id } }`, token: 'none' }),
  },
  {
    kind: 'no-purpose',
    weight: 3,
    build: () => ({
      query: `{ citizen(id: "${FIXTURES.husband}") { id } }`,
      headers: { 'x-procedure-code': '' },
    }),
  },
];

export interface TrafficOptions {
  readonly gatewayUrls: readonly string[];
  readonly clientKey: SigningKey;
  /** Requests per second. */
  readonly rate: number;
  readonly durationMs: number;
  /** Most requests in flight; beyond it a tick is skipped and counted. */
  readonly maxInFlight: number;
  readonly onOutcome: (outcome: Outcome) => void;
  readonly random?: () => number;
}

export async function runTraffic(options: TrafficOptions): Promise<{ skipped: number }> {
  const random = options.random ?? Math.random;
  const tokens = { read: '', audit: '', expires: 0 };
  const refreshTokens = async () => {
    if (Date.now() < tokens.expires - 60_000) return;
    tokens.read = await sign(
      options.clientKey,
      'population:read business:read insurance:read land:read results:read',
    );
    tokens.audit = await sign(options.clientKey, 'audit:read');
    tokens.expires = Date.now() + 600_000;
  };
  const totalWeight = SHAPES.reduce((sum, s) => sum + s.weight, 0);
  const pickShape = () => {
    let r = random() * totalWeight;
    for (const shape of SHAPES) {
      r -= shape.weight;
      if (r < 0) return shape;
    }
    return SHAPES[0]!;
  };
  const started = Date.now();
  const down = new Map<string, number>();
  let next = 0;
  let inFlight = 0;
  let skipped = 0;
  const pending = new Set<Promise<void>>();
  const intervalMs = 1000 / options.rate;

  /** Round robin over the replicas that have not just refused a connection (a load balancer's view). */
  const pickReplica = (): string[] => {
    const now = Date.now();
    const order = options.gatewayUrls.map(
      (_, i) => options.gatewayUrls[(next + i) % options.gatewayUrls.length]!,
    );
    next++;
    return [
      ...order.filter((u) => (down.get(u) ?? 0) <= now),
      ...order.filter((u) => (down.get(u) ?? 0) > now),
    ];
  };

  const send = async (shape: Shape) => {
    const request = shape.build(random);
    // The client's correlation id; the gateway names the request itself (the response's X-Request-Id),
    // and that is the id its audit record carries.
    let requestId = `soak-${randomUUID()}`;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-request-id': requestId,
      'x-procedure-code': SOAK_PROCEDURE,
      'x-dossier-id': SOAK_DOSSIER,
      ...request.headers,
    };
    if (request.token !== 'none')
      headers['authorization'] = `Bearer ${request.token === 'audit' ? tokens.audit : tokens.read}`;
    if (headers['x-procedure-code'] === '') delete headers['x-procedure-code'];
    const body = JSON.stringify({ query: request.query, variables: request.variables });
    const t0 = performance.now();
    let status = 0;
    let code = 'unreachable';
    let served = false;
    for (const url of pickReplica()) {
      try {
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        requestId = response.headers.get('x-request-id') ?? requestId;
        const json = (await response.json().catch(() => ({}))) as {
          data?: unknown;
          errors?: { extensions?: { code?: string } }[];
        };
        code = json.errors?.[0]?.extensions?.code ?? (status === 200 ? 'ok' : `http-${status}`);
        served = status === 200 && json.data != null && response.headers.has('x-lienthong-attestation');
        break;
      } catch (error) {
        // A refused connection was never received: try the other replica, and avoid this one a while.
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        if (cause === 'ECONNREFUSED' || cause === 'ECONNRESET' || cause === 'UND_ERR_SOCKET') {
          down.set(url, Date.now() + 1_000);
          code = 'unreachable';
          continue;
        }
        code = (error as Error).name === 'TimeoutError' ? 'client-timeout' : 'transport-error';
        break;
      }
    }
    options.onOutcome({
      kind: shape.kind,
      requestId,
      status,
      code,
      served,
      ms: performance.now() - t0,
      at: (Date.now() - started) / 1000,
    });
  };

  await refreshTokens();
  for (let tick = 0; ; tick++) {
    const due = started + tick * intervalMs;
    if (due - started >= options.durationMs) break;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (tick % 100 === 0) await refreshTokens();
    if (inFlight >= options.maxInFlight) {
      skipped++;
      continue;
    }
    inFlight++;
    const p = send(pickShape()).finally(() => {
      inFlight--;
      pending.delete(p);
    });
    pending.add(p);
  }
  await Promise.all(pending);
  return { skipped };
}

/** A client token of the soak's client system with these scopes, valid for 15 minutes. */
export function sign(key: SigningKey, scope: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(SOAK_ISSUER)
    .setAudience('lienthong')
    .setSubject('ubnd-soak.motcua')
    .setIssuedAt(now)
    .setExpirationTime(now + 900)
    .sign(key.privateKey);
}
