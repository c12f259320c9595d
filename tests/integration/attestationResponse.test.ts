// Proof of what the gateway returned (DESIGN.md "Response attestation") and of what the registry
// issued, checked the way a receiving office would: with the published keys only, in process and with
// the command-line tools as subprocesses.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTESTATION_HEADER, verifyAttestation } from '../../gateway/src/attestation/responseAttestation.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { ALL_READS_PROCEDURE, type Stack, startStack, TEST_DOSSIER } from '../support/stack.ts';

const run = promisify(execFile);
const REPO = new URL('../..', import.meta.url).pathname;

/** Runs `npm run <script> -- …args`; resolves with the exit code and output, whatever the code. */
async function npmRun(script: string, args: readonly string[]) {
  try {
    const { stdout } = await run('npm', ['run', '--silent', script, '--', ...args], { cwd: REPO });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

let stack: Stack;
let dir: string;
let gatewayJwksUrl: string;
let registryJwksUrl: string;

beforeAll(async () => {
  stack = await startStack();
  dir = await mkdtemp(join(tmpdir(), 'lienthong-attestation-'));
  gatewayJwksUrl = `${stack.gateway.url}/.well-known/jwks.json`;
  registryJwksUrl = `${stack.mocks.results.url}/.well-known/jwks.json`;
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The same body with its first digit changed: one byte. */
function oneByteChanged(body: string): string {
  const at = body.search(/\d/);
  return `${body.slice(0, at)}${body[at] === '0' ? '1' : '0'}${body.slice(at + 1)}`;
}

describe('response attestation', () => {
  let body: string;
  let attestation: string;
  let requestId: string | null;
  let jwks: JSONWebKeySet;

  beforeAll(async () => {
    const token = await stack.token('population:read results:read', {
      sub: 'bca-xuatnhapcanh.hanoi',
    });
    const answer = await stack.query(
      'query($id: ID!) { citizen(id: $id) { id fullName issuedResults { code status attestation } } }',
      { id: FIXTURES.children[0] },
      { token },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    body = answer.text;
    attestation = answer.headers.get(ATTESTATION_HEADER) ?? '';
    requestId = answer.headers.get('x-request-id');
    jwks = (await (await fetch(gatewayJwksUrl)).json()) as JSONWebKeySet;
  });

  it('verifies for the exact body received, against the published keys, naming request, client and purpose', async () => {
    expect(attestation).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const verdict = await verifyAttestation(attestation, body, jwks);
    expect(verdict).toMatchObject({
      valid: true,
      claims: {
        sha256: createHash('sha256').update(body).digest('hex'),
        rid: requestId,
        sub: 'bca-xuatnhapcanh.hanoi',
        procedure: ALL_READS_PROCEDURE,
        dossier: TEST_DOSSIER,
      },
    });
  });

  it('fails for a body changed by one byte', async () => {
    const changed = oneByteChanged(body);
    expect(Buffer.byteLength(changed)).toBe(Buffer.byteLength(body));
    expect(await verifyAttestation(attestation, changed, jwks)).toEqual({
      valid: false,
      reason: 'the body differs from the one attested',
    });
  });

  it('npm run verify-response checks it offline: exit 0 for the body, 1 for a changed byte', async () => {
    const bodyFile = join(dir, 'response.json');
    const changedFile = join(dir, 'changed.json');
    const jwksFile = join(dir, 'gateway-jwks.json');
    await writeFile(bodyFile, body);
    await writeFile(changedFile, oneByteChanged(body));
    await writeFile(jwksFile, JSON.stringify(jwks));
    const ok = await npmRun('verify-response', [
      '--body',
      bodyFile,
      '--attestation',
      attestation,
      '--jwks',
      jwksFile,
    ]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain(`valid: key`);
    expect(ok.stdout).toContain(`dossier ${TEST_DOSSIER}`);
    const bad = await npmRun('verify-response', [
      '--body',
      changedFile,
      '--attestation',
      attestation,
      '--jwks-url',
      gatewayJwksUrl,
    ]);
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stdout).toContain('invalid: the body differs from the one attested');
  });

  it('is absent from a refused request', async () => {
    const answer = await stack.query('{ citizen(id: "012345678901") { id } }', undefined, {
      token: 'nonsense',
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get(ATTESTATION_HEADER)).toBeNull();
  });
});

describe('npm run verify-result', () => {
  let attestation: string;
  beforeAll(async () => {
    const token = await stack.token('results:read');
    const answer = await stack.query(
      'query($code: ID!) { issuedResult(code: $code) { attestation } }',
      { code: FIXTURES.birthRegistration },
      { token },
    );
    attestation = (answer.body.data!['issuedResult'] as { attestation: string }).attestation;
  });

  it('verifies a result offline with the registry’s published keys, from a file or a URL', async () => {
    const jwksFile = join(dir, 'registry-jwks.json');
    await writeFile(jwksFile, await (await fetch(registryJwksUrl)).text());
    const fromFile = await npmRun('verify-result', [attestation, '--jwks', jwksFile]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toContain(`result     ${FIXTURES.birthRegistration} (1.001193)`);
    expect(fromFile.stdout).toContain('status     VALID when signed');
    const fromUrl = await npmRun('verify-result', [attestation, '--jwks-url', registryJwksUrl]);
    expect(fromUrl.code).toBe(0);
  });

  it('says why a forged one is invalid, with exit code 1', async () => {
    const [header, payload, signature] = attestation.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, trangThai: 'CON_HIEU_LUC', coGiaTriDen: '2099-01-01' })).toString('base64url')}.${signature}`;
    const bad = await npmRun('verify-result', [tampered, '--jwks-url', registryJwksUrl]);
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stdout).toContain('invalid: BAD_SIGNATURE');
    const garbage = await npmRun('verify-result', ['not-a-jws', '--jwks-url', registryJwksUrl]);
    expect(garbage).toMatchObject({ code: 1 });
    expect(garbage.stdout).toContain('invalid: MALFORMED');
  });
});
