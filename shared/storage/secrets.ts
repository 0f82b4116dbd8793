import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Reads a secret's current string value. The deployed api function calls it once per
 * instance, at cold start, for the root key: one GetSecretValue per instance rather than
 * per request keeps the key out of the function's environment at ~no cost or latency.
 */
export async function readSecretString(secretId: string, options: { region: string; client?: SecretsManagerClient }): Promise<string> {
  const client = options.client ?? new SecretsManagerClient({ region: options.region });
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (out.SecretString === undefined) throw new Error(`secret ${secretId} holds no string value`);
  return out.SecretString;
}
