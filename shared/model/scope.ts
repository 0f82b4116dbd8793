/**
 * What a key may do. `admin` manages topics, groups, keys and maintenance and does
 * everything else; other keys hold topic scopes: a glob over topic names and the
 * actions allowed on the topics it matches (S2 scopes tokens by stream prefix likewise).
 */
export type Action = 'produce' | 'consume' | 'subscribe';
export const ACTIONS: readonly Action[] = ['produce', 'consume', 'subscribe'];

export interface TopicScope {
  /** `*` matches any run of characters, `?` any one; e.g. `orders.*`. */
  topics: string;
  actions: Action[];
}

export type Scope = 'admin' | TopicScope;

export interface Principal {
  keyId: string;
  admin: boolean;
  scopes: TopicScope[];
}

export function principalFromScopes(keyId: string, scopes: readonly Scope[]): Principal {
  return { keyId, admin: scopes.includes('admin'), scopes: scopes.filter((s): s is TopicScope => s !== 'admin') };
}

/** Whether the principal may do `action` (any action when undefined) on `topic`. */
export function allows(principal: Principal, topic: string, action?: Action): boolean {
  if (principal.admin) return true;
  return principal.scopes.some((s) => globMatches(s.topics, topic) && (action === undefined || s.actions.includes(action)));
}

function globMatches(glob: string, name: string): boolean {
  const pattern = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${pattern}$`).test(name);
}
