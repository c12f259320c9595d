// The registry's write API (mocks/API.md "Write API"): issue, revoke, supersede. A write is never
// retried: a retried issue could issue the same result twice under two codes.
import type { RequestOptions, UpstreamClient } from '../../common/upstreamClient.ts';
import type { KetQua, LoaiDoiTuong } from './types.ts';

/** The body of an issue, and of a replacement (mocks/API.md). */
export interface IssueBody {
  readonly maThuTuc: string;
  readonly tenThuTuc: string;
  readonly trichYeu: string;
  readonly coQuanCap: { readonly ma: string; readonly ten: string; readonly maTinh: string };
  readonly doiTuong: { readonly loai: LoaiDoiTuong; readonly ma: string };
  readonly maBamTaiLieu: string;
  readonly coGiaTriDen: string | null;
}

export interface RegistryWriter {
  issue(body: IssueBody): Promise<KetQua>;
  revoke(code: string, reason: string): Promise<KetQua>;
  supersede(code: string, reason: string, replacement: IssueBody): Promise<{ old: KetQua; next: KetQua }>;
}

const resultPath = (code: string, action: string) => `/api/v1/ket-qua/${encodeURIComponent(code)}/${action}`;

export function createRegistryWriter(client: UpstreamClient, options: RequestOptions): RegistryWriter {
  const request: RequestOptions = { ...options, idempotent: false };
  return {
    issue: (body) => client.postJson<KetQua>('/api/v1/ket-qua', body, request),
    revoke: (code, reason) => client.postJson<KetQua>(resultPath(code, 'thu-hoi'), { lyDo: reason }, request),
    async supersede(code, reason, replacement) {
      const answer = await client.postJson<{ ketQuaCu: KetQua; ketQuaMoi: KetQua }>(
        resultPath(code, 'thay-the'),
        { lyDo: reason, ketQuaMoi: replacement },
        request,
      );
      return { old: answer.ketQuaCu, next: answer.ketQuaMoi };
    },
  };
}
