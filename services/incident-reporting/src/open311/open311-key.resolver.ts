import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, RULES } from '@civgrid/auth';
import { Connection } from '@civgrid/service-kit';
import { Open311KeyService } from './open311-key.service';
import {
  IssuedOpen311ApiKeyType,
  IssueOpen311ApiKeyInput,
  Open311ApiKeyConnection,
  Open311ApiKeysArgs,
  Open311ApiKeyType,
  RevokeOpen311ApiKeyInput,
} from './open311-key.type';

@Resolver(() => Open311ApiKeyType)
export class Open311KeyResolver {
  constructor(private readonly keys: Open311KeyService) {}

  @Query(() => Open311ApiKeyConnection, {
    description: 'Open311 API keys of client applications, newest first (never the keys themselves).',
  })
  @Access(RULES.open311Key.manage)
  open311ApiKeys(@CurrentPrincipal() principal: Principal, @Args() args: Open311ApiKeysArgs): Promise<Connection<Open311ApiKeyType>> {
    return this.keys.list(principal, args);
  }

  @Mutation(() => IssuedOpen311ApiKeyType, {
    description: 'Issues a key for an Open311 client application. The key is in this answer only: it is stored as a hash.',
  })
  @Access(RULES.open311Key.manage)
  issueOpen311ApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: IssueOpen311ApiKeyInput,
  ): Promise<IssuedOpen311ApiKeyType> {
    return this.keys.issue(principal, input);
  }

  @Mutation(() => Open311ApiKeyType, { description: 'Revokes a key: refused from the next call on. Safe to repeat.' })
  @Access(RULES.open311Key.manage)
  revokeOpen311ApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: RevokeOpen311ApiKeyInput,
  ): Promise<Open311ApiKeyType> {
    return this.keys.revoke(principal, input.id);
  }
}
