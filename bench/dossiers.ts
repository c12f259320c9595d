// When the gateway proves purpose (PURPOSE_VERIFICATION=enforce), each request's dossier must exist in
// the one-stop system, received by the client's agency for the request's procedure and naming every
// subject its requests read. The harness files them there first, one per (client, case), as a one-stop
// office does when it receives the application.
import { UPSTREAM_API_KEY } from './benchKeys.ts';
import { BENCH_CLIENTS, type WorkRequest } from './workload.ts';

/**
 * The one-stop system's HoSo for a case (DESIGN.md, "The one-stop system"): its first request's
 * applicant, then every other subject its requests read.
 */
export function dossierFor(requests: readonly WorkRequest[], receivedOn: string) {
  const first = requests[0];
  if (!first) throw new Error('a dossier needs at least one request');
  const subjects = new Map(requests.flatMap((r) => r.subjects).map((s) => [`${s.loai}:${s.ma}`, s]));
  const [applicant] = first.subjects;
  if (applicant) subjects.delete(`${applicant.loai}:${applicant.ma}`);
  return {
    maHoSo: first.dossier,
    maTTHC: first.procedure,
    maCoQuan: BENCH_CLIENTS[first.client]?.agency,
    trangThai: 'DANG_XU_LY',
    ngayTiepNhan: receivedOn,
    ngayTraKetQua: null,
    chuHoSo: applicant,
    doiTuongLienQuan: [...subjects.values()],
  };
}

/** Files the dossier of every case; a dossier already filed (409) is left as it is. */
export async function fileDossiers(onestopUrl: string, requests: readonly WorkRequest[]): Promise<number> {
  const receivedOn = new Date().toISOString().slice(0, 10);
  const byCase = new Map<string, WorkRequest[]>();
  for (const r of requests) byCase.set(r.dossier, [...(byCase.get(r.dossier) ?? []), r]);
  const cases = [...byCase.values()];
  let next = 0;
  let filed = 0;
  const worker = async () => {
    while (next < cases.length) {
      const requestsOfCase = cases[next++]!;
      const response = await fetch(`${onestopUrl}/api/v1/ho-so`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${UPSTREAM_API_KEY}` },
        body: JSON.stringify(dossierFor(requestsOfCase, receivedOn)),
      });
      // The mock's refusal names the field that failed, never a value.
      const answer = await response.text();
      if (response.status === 201) filed++;
      else if (response.status !== 409)
        throw new Error(`one-stop system: filing a dossier got ${response.status}: ${answer.slice(0, 500)}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return filed;
}
