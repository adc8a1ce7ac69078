import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/index.js';
import { RequestValidationError } from '../../common/errors/herald.error.js';
import { Answers, pageOf } from '../../common/openapi.js';
import { Page, PageQuery } from '../../common/pagination.js';
import { AddSuppressionRequestDto } from './dto/suppression.request.dto.js';
import { toSuppressionResponse, type SuppressionResponse } from './suppression.mapper.js';
import { SuppressionsService } from './suppressions.service.js';
import { SUPPRESSION } from './suppressions.openapi.js';

/** Decision D28: the suppression list. Entries show the masked hint, never the address. */
@ApiTags('Messages')
@Controller('messaging/suppressions')
export class SuppressionsController {
  constructor(private readonly suppressions: SuppressionsService) {}

  @Get()
  @Scopes('messaging:read')
  @ApiOperation({ summary: 'Suppressed recipients, newest first (masked)' })
  @Answers(200, pageOf(SUPPRESSION))
  async list(@Query() query: PageQuery): Promise<Page<SuppressionResponse>> {
    const page = await this.suppressions.list(query);
    return { ...page, items: page.items.map(toSuppressionResponse) };
  }

  @Post()
  @HttpCode(200)
  @Scopes('messaging:create_or_update')
  @ApiOperation({ summary: 'Stop sending to an email address or phone number (cause manual); an address already suppressed answers its entry' })
  @Answers(200, SUPPRESSION)
  async add(@Body() body: AddSuppressionRequestDto): Promise<SuppressionResponse> {
    const entry = await RequestValidationError.prefixed(
      ['body'],
      () => this.suppressions.add({ email: body.email, phoneNumber: body.phone_number }),
      (loc) => loc.map((part) => (part === 'phoneNumber' ? 'phone_number' : part)),
    );
    return toSuppressionResponse(entry);
  }

  @Delete(':suppression_id')
  @HttpCode(204)
  @Scopes('messaging:delete')
  @ApiOperation({ summary: 'Send to the recipient again' })
  @ApiNoContentResponse()
  async remove(@Param('suppression_id') id: string): Promise<void> {
    await this.suppressions.remove(id);
  }
}
