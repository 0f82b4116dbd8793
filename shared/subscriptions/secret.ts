import { randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export const generateSecret = (): string => `${PREFIX}${randomBytes(32).toString('base64')}`;

/** The HMAC key: the base64-decoded part after the prefix (as the reference libraries do). */
export const secretKey = (secret: string): Buffer => Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
