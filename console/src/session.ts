import { type ApiSchemas, Freshet } from '@freshet/client';

/**
 * The API key lives in sessionStorage only: this tab, until it closes or the user signs out.
 * Never in a URL (routes are the hash, and carry no key), never logged.
 */
const STORAGE_KEY = 'freshet.apiKey';

export type KeySelf = ApiSchemas['schemas']['ApiKeySelf'];

export interface Session {
  freshet: Freshet;
  self: KeySelf;
}

/** The API is the page's own origin: the console is served by the api function itself. */
const apiUrl = () => location.origin;

/** Checks the key against GET /v1/keys/self; keeps it only if the API accepts it. */
export async function signIn(apiKey: string): Promise<Session> {
  const freshet = new Freshet({ url: apiUrl(), apiKey, retry: { deadlineMs: 10_000 } });
  const self = await freshet.admin().describeOwnKey();
  sessionStorage.setItem(STORAGE_KEY, apiKey);
  return { freshet, self };
}

export async function resumeSession(): Promise<Session | undefined> {
  const apiKey = sessionStorage.getItem(STORAGE_KEY);
  if (!apiKey) return undefined;
  try {
    return await signIn(apiKey);
  } catch {
    sessionStorage.removeItem(STORAGE_KEY);
    return undefined;
  }
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
