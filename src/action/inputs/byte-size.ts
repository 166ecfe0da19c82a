// Sizes as people write them in a workflow: 1000000, 500MiB, 2 GiB, 1.5GB.

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

export const BYTE_SIZE_EXPECTED =
  'a size in bytes, such as 500MiB, 2GiB or 1000000 (units B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)';

/**
 * Whole bytes (a fraction of a byte is dropped), or undefined when `text` is not a size of at
 * least one byte. Units are case-insensitive; kB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of
 * 1024. A bare k, M or G is refused: which of the two it means is a guess.
 */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = UNITS[(match[2] || 'b').toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return bytes >= 1 && Number.isSafeInteger(bytes) ? bytes : undefined;
}
