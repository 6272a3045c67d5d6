/** Masks the password of a URL for printing: `redis://:secret@host` becomes `redis://:**@host`. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@:]*):([^/@]*)@/i, (_m, scheme: string, user: string) => `${scheme}${user}:**@`);
}
