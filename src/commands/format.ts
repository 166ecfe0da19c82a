const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** Bytes per second as "12.3 MiB/s". */
export function formatRate(bytes: number, milliseconds: number): string {
  if (milliseconds <= 0) return '';
  return `${formatBytes(Math.round((bytes * 1000) / milliseconds))}/s`;
}
