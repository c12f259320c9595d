// `npm run token -- --sub ubnd-hanoi.motcua --scope "population:read results:read" [--officer …] [--agency …] [--ttl 3600]`
// Prints a client token signed by the dev key that a dev gateway (LIENTHONG_DEV=1) trusts.
// Dev mode only: production tokens come from the real identity provider.
import { parseArgs } from 'node:util';
import { DEV_ISSUER } from '../gateway/src/config.ts';
import { mintDevToken } from '../gateway/src/plugins/auth/devToken.ts';
import { AGENCY_CODE_FORMAT, isAgencyCode } from '../lib/agency.ts';
import { ensureDevKey } from '../lib/keys.ts';

if (process.env['LIENTHONG_DEV'] !== '1') {
  process.stderr.write('npm run token works in dev mode only (LIENTHONG_DEV=1).\n');
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    scope: { type: 'string', default: '' },
    officer: { type: 'string' },
    agency: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
    audience: { type: 'string', default: process.env['AUTH_AUDIENCE'] ?? 'lienthong' },
  },
});

if (!values.sub) {
  process.stderr.write(
    'usage: npm run token -- --sub <client id> --scope "<scopes>" [--officer <name>] [--agency <agency code>] [--ttl <seconds>]\n',
  );
  process.exit(2);
}
const ttlSeconds = Number(values.ttl);
if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 3600) {
  process.stderr.write(
    "--ttl must be a whole number of seconds from 1 to 3600 (the gateway's default maximum token age)\n",
  );
  process.exit(2);
}

if (values.agency !== undefined && !isAgencyCode(values.agency)) {
  process.stderr.write(`--agency must be ${AGENCY_CODE_FORMAT}\n`);
  process.exit(2);
}

const key = await ensureDevKey('client-dev', 'ES256');
const token = await mintDevToken(key, {
  sub: values.sub,
  scope: values.scope,
  officer: values.officer,
  agency: values.agency,
  ttlSeconds,
  issuer: DEV_ISSUER,
  audience: values.audience,
});
process.stdout.write(`${token}\n`);
