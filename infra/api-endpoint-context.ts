import type { Construct } from 'constructs';
import { API_ENDPOINTS, type ApiEndpoint } from './constructs/api.js';

/** The api endpoint's options as CDK context, for `propsFromContext`. */
export interface ApiEndpointOptions {
  /** Context `freshet:apiEndpoint`: `httpApi` or `functionUrl`. @default httpApi */
  readonly apiEndpoint?: ApiEndpoint;
  /** Context `freshet:apiReservedConcurrency`: the api function's reserved concurrency. @default none */
  readonly apiReservedConcurrency?: number;
}

/** Reads `freshet:apiEndpoint` and `freshet:apiReservedConcurrency`; absent keys stay absent. */
export function apiEndpointFromContext(scope: Construct): ApiEndpointOptions {
  const endpoint = scope.node.tryGetContext('freshet:apiEndpoint') as unknown;
  const reserved = scope.node.tryGetContext('freshet:apiReservedConcurrency') as unknown;
  if (endpoint !== undefined && !API_ENDPOINTS.includes(endpoint as ApiEndpoint)) {
    throw new Error(`context freshet:apiEndpoint must be one of ${API_ENDPOINTS.join(', ')}, not ${JSON.stringify(endpoint)}`);
  }
  const concurrency = reserved === undefined ? undefined : Number(reserved);
  // Lambda refuses 0 for a function that must serve, and an account's default limit is 1,000.
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new Error(`context freshet:apiReservedConcurrency must be a whole number of at least 1, not ${JSON.stringify(reserved)}`);
  }
  return {
    ...(endpoint !== undefined ? { apiEndpoint: endpoint as ApiEndpoint } : {}),
    ...(concurrency !== undefined ? { apiReservedConcurrency: concurrency } : {}),
  };
}
