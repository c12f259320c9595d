import { describe, expect, it } from 'vitest';
import { auditCsv, csvCell } from './auditCsv.ts';

describe('auditCsv', () => {
  it('quotes separators and quotes, and neutralises formula cells', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    // Blanks before the formula sign do not disarm it.
    for (const cell of [' =1+1', '\t=1+1', '\r=1+1', '  +cmd', '\n-2+3', ' @SUM(A1)']) {
      expect(csvCell(cell).replace(/^"/, '').startsWith("'")).toBe(true);
    }
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell(null)).toBe('');
  });

  it('writes one CRLF line per event under a header, lists joined by spaces', () => {
    const csv = auditCsv([
      {
        id: '7',
        at: '2026-01-02T03:04:05.000Z',
        clientId: 'ubnd-hanoi.motcua',
        officer: null,
        procedureCode: '1.004222',
        dossierId: 'H01.10-251121-0001',
        subjects: ['Citizen:092080033642', 'Enterprise:1814935290'],
        fields: ['Citizen.fullName', 'Query.citizen'],
        denied: [],
        outcome: 'ok',
      },
    ]);
    expect(csv).toBe(
      'id,at,clientId,officer,procedureCode,dossierId,outcome,subjects,fields,denied\r\n' +
        '7,2026-01-02T03:04:05.000Z,ubnd-hanoi.motcua,,1.004222,H01.10-251121-0001,ok,' +
        'Citizen:092080033642 Enterprise:1814935290,Citizen.fullName Query.citizen,\r\n',
    );
  });
});
