import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scopes } from '../../auth/index.js';
import { camelCaseLoc, RequestValidationError } from '../../common/errors/herald.error.js';
import { PageArgs } from '../../common/pagination.js';
import {
  BasicTemplateBulkResultObject,
  BasicTemplateInput,
  BasicTemplateObject,
  TemplateInput,
  TemplateObject,
  TemplatePageObject,
  TemplatePreviewInput,
  TemplatePreviewObject,
} from './dto/messaging-template.graphql.js';
import {
  basicItemsOfInputs,
  previewCommandOfInput,
  templateCommandOfInput,
  toBasicBulkResultObject,
  toBasicTemplateObject,
  toTemplateObject,
} from './messaging-template.graphql-mapper.js';
import { MessagingTemplatesService } from './messaging-templates.service.js';
import { TemplatePreview } from './template-preview.js';

/** The type argument's 422 is at `type`; the rest of the command's problems under `input`. */
const located = <T>(work: () => Promise<T>) =>
  RequestValidationError.prefixed([], work, (loc) => (loc[0] === 'template_type' ? ['type', ...loc.slice(1)] : ['input', ...camelCaseLoc(loc)]));

/** Decision D32 over GraphQL: the same services as REST. */
@Resolver(() => TemplateObject)
export class MessagingTemplatesResolver {
  constructor(
    private readonly templates: MessagingTemplatesService,
    private readonly previews: TemplatePreview,
  ) {}

  @Query(() => [BasicTemplateObject], { description: 'The six customizable types: the base template of each (stored or built-in)' })
  @Scopes('messaging-template:update')
  async messagingTemplates(): Promise<BasicTemplateObject[]> {
    return (await this.templates.basics()).map(toBasicTemplateObject);
  }

  @Query(() => BasicTemplateObject, { description: 'The built-in wording of a type in __VARIABLE__ form' })
  @Scopes('messaging-template:update')
  async messagingTemplateDefault(@Args('type') type: string): Promise<BasicTemplateObject> {
    return toBasicTemplateObject(await located(async () => this.templates.defaultOf(type)));
  }

  @Query(() => TemplateObject)
  @Scopes('messaging-template:update')
  async messagingTemplate(@Args('id', { type: () => ID }) id: string): Promise<TemplateObject> {
    return toTemplateObject(await this.templates.get(id));
  }

  @Query(() => TemplatePageObject, { description: 'Every stored template, newest first (adds a disabled built-in one for each type without any)' })
  @Scopes('messaging-template:update')
  async messagingTemplateSummary(@Args() page: PageArgs): Promise<TemplatePageObject> {
    const result = await this.templates.summary(page);
    return { ...result, items: result.items.map(toTemplateObject) };
  }

  @Query(() => TemplatePreviewObject, { description: 'Renders subject, HTML, text and SMS; stores and sends nothing' })
  @Scopes('messaging-template:update')
  async previewMessagingTemplate(
    @Args('type') type: string,
    @Args('input', { type: () => TemplatePreviewInput, nullable: true }) input?: TemplatePreviewInput | null,
  ): Promise<TemplatePreviewObject> {
    return located(() => this.previews.preview(type, input ? previewCommandOfInput(input) : {}));
  }

  @Mutation(() => BasicTemplateBulkResultObject, { description: "Replaces the base template's content per type (and enables it); each item on its own" })
  @Scopes('messaging-template:update')
  async updateMessagingTemplates(@Args('inputs', { type: () => [BasicTemplateInput] }) inputs: BasicTemplateInput[]): Promise<BasicTemplateBulkResultObject> {
    return toBasicBulkResultObject(
      await RequestValidationError.prefixed(['inputs'], () => this.templates.updateBasics(basicItemsOfInputs(inputs)), camelCaseLoc),
    );
  }

  @Mutation(() => TemplateObject, { description: 'A new template of a type (a locale variant with locale)' })
  @Scopes('messaging-template:update')
  async createMessagingTemplate(@Args('type') type: string, @Args('input') input: TemplateInput): Promise<TemplateObject> {
    return toTemplateObject(await located(() => this.templates.create(type, templateCommandOfInput(input))));
  }

  @Mutation(() => TemplateObject, { description: 'Changes what is given of a template (PATCH)' })
  @Scopes('messaging-template:update')
  async updateMessagingTemplate(@Args('id', { type: () => ID }) id: string, @Args('input') input: TemplateInput): Promise<TemplateObject> {
    return toTemplateObject(await located(() => this.templates.update(id, templateCommandOfInput(input), false)));
  }

  @Mutation(() => Boolean, { description: 'Deletes a template (not the only one of its type)' })
  @Scopes('messaging-template:update')
  async deleteMessagingTemplate(@Args('id', { type: () => ID }) id: string): Promise<boolean> {
    await this.templates.delete(id);
    return true;
  }
}
