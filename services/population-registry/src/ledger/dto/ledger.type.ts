import { Field, ID, InputType, Int, ObjectType, ArgsType } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

@ObjectType('LedgerRejection', { description: 'A refused row: its line in the file and why.' })
export class LedgerRejectionType {
  @Field(() => Int)
  line!: number;

  @Field()
  reason!: string;
}

@ObjectType('LedgerImportReport')
export class LedgerImportReportType {
  @Field(() => ID)
  importId!: string;

  @Field(() => Int, { description: 'Residents registered.' })
  accepted!: number;

  @Field(() => Int)
  householdsCreated!: number;

  @Field(() => Int)
  dwellingsCreated!: number;

  @Field(() => [LedgerRejectionType], { description: 'Every refused row, in file order.' })
  rejected!: LedgerRejectionType[];
}

@InputType()
export class ImportLedgerInput {
  @Field(() => ID, { description: 'The grid the ledger belongs to; unknown addresses become dwellings there.' })
  @IsUUID()
  gridId!: string;

  @Field({
    description:
      'CSV with a header row: household_number, registration_type, address, name, national_id, relation (required); house_number, building, road, phone (optional). Chinese headings (户号, 户籍类型, 地址, 姓名, 身份证号, 与户主关系, 门牌号, 楼栋, 道路, 电话) work too.',
  })
  @IsString()
  @Length(1, 1_000_000)
  csv!: string;
}

@ArgsType()
export class ExportLedgerArgs {
  @Field({ description: 'The area (ltree path) whose registry to export.' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/)
  areaPath!: string;

  @Field(() => String, {
    nullable: true,
    description: 'State why (3–500 characters) to export ID numbers and phones unmasked; every resident exported is audited.',
  })
  @IsOptional()
  @IsString()
  purpose?: string;
}
