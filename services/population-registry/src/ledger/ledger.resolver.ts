import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, RULES } from '@civgrid/auth';
import { LedgerService } from './ledger.service';
import { ExportLedgerArgs, ImportLedgerInput, LedgerImportReportType } from './dto/ledger.type';

@Resolver()
export class LedgerResolver {
  constructor(private readonly service: LedgerService) {}

  @Access(RULES.registry.write)
  @Mutation(() => LedgerImportReportType, {
    description: 'Imports a village ledger (CSV): good rows are registered, every bad row is reported by line.',
  })
  importLedger(@CurrentPrincipal() principal: Principal, @Args('input') input: ImportLedgerInput): Promise<LedgerImportReportType> {
    return this.service.import(principal, input.gridId, input.csv);
  }

  @Access(RULES.registry.export)
  @Query(() => String, {
    description: "An area's active residents as ledger CSV (the import's columns); masked unless a purpose is stated.",
  })
  exportLedger(@CurrentPrincipal() principal: Principal, @Args() args: ExportLedgerArgs): Promise<string> {
    return this.service.export(principal, args.areaPath, args.purpose);
  }
}
