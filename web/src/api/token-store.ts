/**
 * Where the access and refresh tokens live: sessionStorage (gone when the tab closes — a shared
 * clinic computer should not keep a doctor logged in), with an in-memory fallback.
 */
export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds when the access token expires. */
  expiresAt?: number;
}

const KEY = 'hb.tokens';
let memory: Tokens | null = null;

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

export const tokenStore = {
  get(): Tokens | null {
    if (memory) return memory;
    const raw = storage()?.getItem(KEY);
    if (!raw) return null;
    try {
      memory = JSON.parse(raw) as Tokens;
      return memory;
    } catch {
      return null;
    }
  },
  set(tokens: Tokens | null): void {
    memory = tokens;
    const s = storage();
    if (!s) return;
    if (tokens) s.setItem(KEY, JSON.stringify(tokens));
    else s.removeItem(KEY);
  },
};
