import { describe, expect, it } from 'vitest';
import { generateSigningJwk, signingKeyFromJwk, toJwks } from '../../../lib/keys.ts';
import { attestResponse, verifyAttestation } from './responseAttestation.ts';

const key = await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'att-1'));
const other = await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'att-2'));
const jwks = toJwks([key.publicJwk]);
const body = '{"data":{"citizen":{"fullName":"Nguyễn Văn An"}}}';
const input = {
  body,
  requestId: 'rid-1',
  clientId: 'ubnd-hanoi.motcua',
  procedureCode: '1.001193',
  dossierId: 'H26.01-0042',
};

describe('response attestation', () => {
  it('verifies for the body received and carries the contract payload', async () => {
    const jws = await attestResponse(key, { ...input, now: new Date('2026-11-21T00:00:00Z') });
    const verdict = await verifyAttestation(jws, body, jwks);
    expect(verdict).toMatchObject({ valid: true, kid: 'att-1' });
    if (verdict.valid) {
      expect(Object.keys(verdict.claims).sort()).toEqual([
        'dossier',
        'iat',
        'procedure',
        'rid',
        'sha256',
        'sub',
      ]);
      expect(verdict.claims).toMatchObject({
        rid: 'rid-1',
        sub: 'ubnd-hanoi.motcua',
        procedure: '1.001193',
        iat: 1795219200,
      });
    }
  });

  it('fails for a body changed by one byte', async () => {
    const jws = await attestResponse(key, input);
    const changed = body.replace('An', 'Am');
    expect(await verifyAttestation(jws, changed, jwks)).toEqual({
      valid: false,
      reason: 'the body differs from the one attested',
    });
  });

  it('fails for a signature by an unpublished key, a swapped signature and garbage', async () => {
    const foreign = await attestResponse(other, input);
    expect((await verifyAttestation(foreign, body, jwks)).valid).toBe(false);
    const mine = await attestResponse(key, input);
    const swapped = `${mine.split('.').slice(0, 2).join('.')}.${foreign.split('.')[2]}`;
    expect(await verifyAttestation(swapped, body, jwks)).toMatchObject({
      valid: false,
      reason: 'signature does not verify',
    });
    expect(await verifyAttestation('garbage', body, jwks)).toEqual({
      valid: false,
      reason: 'not a compact JWS',
    });
  });

  it('refuses alg none', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'lienthong-attestation+jws' })).toString(
      'base64url',
    );
    const payload = Buffer.from('{}').toString('base64url');
    expect((await verifyAttestation(`${header}.${payload}.`, body, jwks)).valid).toBe(false);
  });
});
