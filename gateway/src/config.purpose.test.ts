import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.ts';
import { readGatewayConfig } from './config.ts';

const dev = { LIENTHONG_DEV: '1' };
/** Everything production needs apart from the purpose settings. */
const production = {
  AUTH_JWKS_FILE: '/keys/clients.jwks.json',
  AUTH_ISSUER: 'https://sso.example.gov.vn',
  INTERNAL_SIGNING_KEY_FILE: '/keys/internal.jwk.json',
  ATTESTATION_KEY_FILE: '/keys/attestation.jwk.json',
  AUDIT_KEY_FILE: '/keys/audit.jwk.json',
};

function problems(env: Record<string, string>): string[] {
  try {
    readGatewayConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('purpose settings', () => {
  it('defaults to enforce, 30 grace days and the onestop mock with the dev key in dev mode', () => {
    expect(readGatewayConfig(dev).purpose).toEqual({
      verification: 'enforce',
      dossierGraceDays: 30,
      clientsFile: undefined,
      onestopUrl: 'http://127.0.0.1:4106',
      onestopApiKey: 'dev-upstream-key',
      onestopTimeoutMs: 2000,
    });
  });

  it('reads every purpose variable', () => {
    const config = readGatewayConfig({
      ...production,
      PURPOSE_VERIFICATION: 'enforce',
      DOSSIER_GRACE_DAYS: '0',
      CLIENTS_FILE: '/etc/lienthong/clients.json',
      ONESTOP_URL: 'https://motcua.example.gov.vn/',
      ONESTOP_API_KEY: 'k-123',
      ONESTOP_TIMEOUT_MS: '500',
    });
    expect(config.purpose).toEqual({
      verification: 'enforce',
      dossierGraceDays: 0,
      clientsFile: '/etc/lienthong/clients.json',
      onestopUrl: 'https://motcua.example.gov.vn/',
      onestopApiKey: 'k-123',
      onestopTimeoutMs: 500,
    });
  });

  it('outside dev mode, under enforce, requires the one-stop key and the client registry, one line each', () => {
    expect(problems(production)).toEqual([
      'ONESTOP_API_KEY: expected the one-stop system credential (or PURPOSE_VERIFICATION=declared, or LIENTHONG_DEV=1), got nothing',
      'CLIENTS_FILE: expected the client registry (JSON array of { clientId, name, agencies, levels, procedures }), got nothing',
    ]);
    expect(problems({ ...production, PURPOSE_VERIFICATION: 'declared' })).toEqual([]);
  });

  it('names each bad value in one line', () => {
    const found = problems({
      ...dev,
      PURPOSE_VERIFICATION: 'trust',
      DOSSIER_GRACE_DAYS: '-1',
      ONESTOP_URL: 'ftp://motcua',
      ONESTOP_TIMEOUT_MS: '10',
    });
    expect(found).toEqual([
      'PURPOSE_VERIFICATION: expected one of enforce, declared, got "trust"',
      'DOSSIER_GRACE_DAYS: expected an integer from 0 to 3650, got "-1"',
      'ONESTOP_URL: expected a URL starting with http:// or https://, got "ftp://motcua"',
      'ONESTOP_TIMEOUT_MS: expected an integer from 50 to 60000, got "10"',
    ]);
  });
});
