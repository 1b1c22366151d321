import type { Request } from 'express';
import { AuthContext } from '@civgrid/auth';
import { Loaders } from './loaders';

/** The GraphQL context of every subgraph request. */
export interface RequestContext extends AuthContext {
  loaders: Loaders;
  req?: Request;
}
