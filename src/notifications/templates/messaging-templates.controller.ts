import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiNoContentResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Scopes } from '../../auth/index.js';
import { RequestValidationError } from '../../common/errors/herald.error.js';
import { Answers, arrayOf, pageOf, Refuses } from '../../common/openapi.js';
import { Page, PageQuery } from '../../common/pagination.js';
import { BasicTemplateRequestDto, TemplatePreviewRequestDto, TemplateRequestDto } from './dto/messaging-template.request.dto.js';
import {
  templateCommandOf,
  toBasicTemplateResponse,
  toBasicUpdateResponse,
  toTemplateDefaultResponse,
  toTemplateResponse,
  toTemplateSummaryResponse,
  type BasicTemplateResponse,
  type BasicUpdateResponse,
  type TemplateDefaultResponse,
  type TemplateResponse,
  type TemplateSummaryResponse,
} from './messaging-template.mapper.js';
import { BASIC_TEMPLATE, BASIC_UPDATE_RESULT, TEMPLATE_DEFAULT, TEMPLATE_DETAIL, TEMPLATE_PREVIEW, TEMPLATE_SUMMARY } from './messaging-templates.openapi.js';
import { MessagingTemplatesService } from './messaging-templates.service.js';
import { TemplatePreview, type Preview } from './template-preview.js';

const inBody = <T>(work: () => Promise<T>) => RequestValidationError.prefixed(['body'], work);
/** A type in the path: its 422 is at `path`; the content's problems at `body`. */
const located = <T>(work: () => Promise<T>) =>
  RequestValidationError.prefixed([], work, (loc) => (loc[0] === 'template_type' ? ['path', ...loc] : ['body', ...loc]));

/** Decision D32: Fides' template routes (without properties) and Herald's preview. */
@ApiTags('Messaging templates')
@ApiExtraModels(BasicTemplateRequestDto)
@Controller('messaging/templates')
export class MessagingTemplatesController {
  constructor(
    private readonly templates: MessagingTemplatesService,
    private readonly previews: TemplatePreview,
  ) {}

  @Get()
  @Scopes('messaging-template:update')
  @ApiOperation({ summary: 'The six customizable types: the base template of each (stored or built-in)' })
  @Answers(200, arrayOf(BASIC_TEMPLATE))
  async basics(): Promise<BasicTemplateResponse[]> {
    return (await this.templates.basics()).map(toBasicTemplateResponse);
  }

  @Put()
  @Scopes('messaging-template:update')
  @ApiOperation({ summary: "Replace the base template's content per type (enables it); each item succeeds or fails on its own" })
  @ApiBody({ schema: { type: 'array', items: { $ref: getSchemaPath(BasicTemplateRequestDto) } } })
  @Answers(200, BASIC_UPDATE_RESULT)
  async updateBasics(@Body() body: unknown): Promise<BasicUpdateResponse> {
    return toBasicUpdateResponse(await inBody(() => this.templates.updateBasics(body)));
  }

  @Get('summary')
  @Scopes('messaging-template:update')
  @ApiOperation({ summary: 'Every stored template, newest first (adds a disabled built-in one for each type without any)' })
  @Answers(200, pageOf(TEMPLATE_SUMMARY))
  async summary(@Query() query: PageQuery): Promise<Page<TemplateSummaryResponse>> {
    const page = await this.templates.summary(query);
    return { ...page, items: page.items.map(toTemplateSummaryResponse) };
  }

  @Get('default/:template_type')
  @Scopes('messaging-template:update')
  @ApiOperation({ summary: 'The built-in wording of a type in __VARIABLE__ form' })
  @Answers(200, TEMPLATE_DEFAULT)
  @Refuses(400, 'Not a customizable type')
  async defaultOf(@Param('template_type') type: string): Promise<TemplateDefaultResponse> {
    return toTemplateDefaultResponse(await located(async () => this.templates.defaultOf(type)));
  }

  @Get(':template_id')
  @Scopes('messaging-template:update')
  @ApiOperation({ summary: 'One stored template' })
  @Answers(200, TEMPLATE_DETAIL)
  @Refuses(404, 'No template with that id')
  async get(@Param('template_id') id: string): Promise<TemplateResponse> {
    return toTemplateResponse(await this.templates.get(id));
  }

  @Delete(':template_id')
  @HttpCode(204)
  @Scopes('messaging-template:update')
  @ApiOperation({ summary: 'Delete a template (not the only one of its type)' })
  @ApiNoContentResponse()
  @Refuses(400, 'The only template of its type')
  @Refuses(404, 'No template with that id')
  async delete(@Param('template_id') id: string): Promise<void> {
    await this.templates.delete(id);
  }

  @Post(':template_type')
  @HttpCode(200)
  @Scopes('messaging-template:update')
  @ApiOperation({ summary: 'A new template of a type (a locale variant with `locale`)' })
  @Answers(200, TEMPLATE_DETAIL)
  @Refuses(400, 'Not a customizable type, a label taken, or another enabled template of the type and locale')
  async create(@Param('template_type') type: string, @Body() body: TemplateRequestDto): Promise<TemplateResponse> {
    return toTemplateResponse(await located(() => this.templates.create(type, templateCommandOf(body))));
  }

  @Post(':template_type/preview')
  @HttpCode(200)
  @Scopes('messaging-template:update')
  @ApiOperation({ summary: 'Render subject, HTML, text and SMS for given content, locale and variables; stores and sends nothing' })
  @Answers(200, TEMPLATE_PREVIEW)
  @Refuses(400, 'Not a customizable type')
  async preview(@Param('template_type') type: string, @Body() body: TemplatePreviewRequestDto): Promise<Preview> {
    return located(() => this.previews.preview(type, body));
  }

  @Put(':template_id')
  @Scopes('messaging-template:update')
  @ApiOperation({ summary: "Replace a template's content and is_enabled (label and locale kept when not given)" })
  @Answers(200, TEMPLATE_DETAIL)
  @Refuses(400, 'A label taken, or another enabled template of the type and locale')
  @Refuses(404, 'No template with that id')
  async replace(@Param('template_id') id: string, @Body() body: TemplateRequestDto): Promise<TemplateResponse> {
    return toTemplateResponse(await inBody(() => this.templates.update(id, templateCommandOf(body), true)));
  }

  @Patch(':template_id')
  @Scopes('messaging-template:update')
  @ApiOperation({ summary: 'Change what is given of a template' })
  @Answers(200, TEMPLATE_DETAIL)
  @Refuses(400, 'A label taken, or another enabled template of the type and locale')
  @Refuses(404, 'No template with that id')
  async patch(@Param('template_id') id: string, @Body() body: TemplateRequestDto): Promise<TemplateResponse> {
    return toTemplateResponse(await inBody(() => this.templates.update(id, templateCommandOf(body), false)));
  }
}
