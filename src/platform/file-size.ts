/** Sizes of files and bodies, in bytes. */
export const MB = 1024 * 1024;

/** Bytes as people read them: "20 MB", "512 KB". */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}
