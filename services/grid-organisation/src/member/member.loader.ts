import { principalOf } from '@civgrid/auth';
import { RequestContext } from '@civgrid/service-kit';
import { GridMemberType } from './dto/member.type';
import { MemberService } from './member.service';

/** Members as the reader may see them (null otherwise): every way to a member goes through it. */
export const readableMember = (ctx: RequestContext, service: MemberService) => {
  const principal = principalOf(ctx);
  return ctx.loaders.get<string, GridMemberType | null>('member.readable', (ids) => service.loadReadable(principal, ids));
};
