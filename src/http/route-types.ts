import type { AuthKind } from '../auth/types.js';

// The credentials' layer names the auth kinds (http uses auth, never the reverse).
export type { AuthKind };

export interface RouteParam {
  name: string;
  in: 'query' | 'path' | 'header' | string;
  required: boolean;
  type: string;
}

/** One operation of X's API v2, as derived from the OpenAPI description. */
export interface RouteFact {
  method: string;
  /** Path template, e.g. `/2/tweets/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  streaming: boolean;
  /** Accepted auth kinds, in the order the description lists them. */
  auth: AuthKind[];
  /** OAuth2 scopes the route needs. */
  scopes: string[];
  /** The query parameter that takes the next page's token, when the route pages. */
  pageParam?: 'pagination_token' | 'next_token';
  /** Largest `max_results` the route accepts. */
  maxResults?: number;
  params: RouteParam[];
}
