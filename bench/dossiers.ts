// When the gateway proves purpose (PURPOSE_VERIFICATION=enforce), each request's dossier must exist in
// the one-stop system, received by the client's agency for the request's procedure and naming every
// subject the request reads. The harness files them there first, one per (client, case), as a one-stop
// office does when it receives the application.
import { UPSTREAM_API_KEY } from './benchKeys.ts';
import { BENCH_CLIENTS, type WorkRequest } from './workload.ts';

/** The one-stop system's HoSo for a request of the workload (DESIGN.md, "The one-stop system"). */
export function dossierFor(request: WorkRequest, receivedOn: string) {
  const [applicant, ...related] = request.subjects;
  return {
    maHoSo: request.dossier,
    maTTHC: request.procedure,
    maCoQuan: BENCH_CLIENTS[request.client]?.agency,
    trangThai: 'DANG_XU_LY',
    ngayTiepNhan: receivedOn,
    ngayTraKetQua: null,
    chuHoSo: applicant,
    doiTuongLienQuan: related,
  };
}

/** Files the dossier of every distinct case; a dossier already filed (409) is left as it is. */
export async function fileDossiers(onestopUrl: string, requests: readonly WorkRequest[]): Promise<number> {
  const receivedOn = new Date().toISOString().slice(0, 10);
  const cases = [...new Map(requests.map((r) => [r.dossier, r])).values()];
  let next = 0;
  let filed = 0;
  const worker = async () => {
    while (next < cases.length) {
      const request = cases[next++]!;
      const response = await fetch(`${onestopUrl}/api/v1/ho-so`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${UPSTREAM_API_KEY}` },
        body: JSON.stringify(dossierFor(request, receivedOn)),
      });
      await response.arrayBuffer();
      if (response.status === 201) filed++;
      else if (response.status !== 409)
        throw new Error(`one-stop system: filing a dossier got ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return filed;
}
