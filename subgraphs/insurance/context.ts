// Per-request state of the insurance subgraph: the verified caller, its scopes, and fresh loaders.
import type { SubgraphContext } from '../common/context.ts';
import type { InsuranceLoaders } from './datasources/insuranceLoaders.ts';

export type InsuranceContext = SubgraphContext<InsuranceLoaders>;
