// Byte counts as people read them, in binary units (1 KB = 1024 B), as file managers and git hosts count them.
const UNITS = ["B", "KB", "MB", "GB", "TB"];

export function formatSize(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v >= 10 ? Math.round(v) : v.toFixed(1)} ${UNITS[u]}`;
}
