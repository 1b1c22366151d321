import { Body, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, Length } from 'class-validator';
import { HttpErrorFilter } from '../http/http-error.filter';
import { CareService } from './care.service';
import { WellbeingCheckInType } from './dto/care.type';

export class SelfCheckInBody {
  @IsString()
  @Length(40, 200)
  token!: string;

  /** When the phone saw the resident up (sent later when it was offline); defaults to now. */
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  at?: Date;
}

/**
 * The resident (or an app on their phone) checks in without a staff account: `POST /wellbeing/check-in`
 * with `{ "token": "…" }`, the token a grid member issued for the agreement. Once per day; a resend
 * returns the day's check-in.
 */
@Controller('wellbeing')
@UseFilters(HttpErrorFilter)
export class CheckInController {
  constructor(private readonly care: CareService) {}

  @Post('check-in')
  @HttpCode(200)
  checkIn(@Body() body: SelfCheckInBody): Promise<WellbeingCheckInType> {
    return this.care.checkInWithToken(body.token, body.at);
  }
}
