// Redis Cluster key slots, computed as the server does (CRC16/XMODEM of the hash tag, mod 16384), so
// that a batch can be split by slot and sent as one pipeline per node: a multi-key command across
// slots fails in a cluster with CROSSSLOT.

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] as number);
  return crc;
}

/** The slot of a full key (including any client key prefix). */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16(Buffer.from(key.slice(open + 1, close), 'utf8')) % 16384;
  }
  return crc16(Buffer.from(key, 'utf8')) % 16384;
}
