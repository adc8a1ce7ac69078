import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Not, QueryFailedError, type Repository } from 'typeorm';
import { badRequest, invalid, notFound, RequestValidationError, type ValidationIssue } from '../../common/errors/herald.error.js';
import { type Page, pageOffset, toPage } from '../../common/pagination.js';
import { preparedQuery } from '../../database/index.js';
import { CUSTOMIZABLE_TYPES, FIDES_ACTION_TYPES, isCustomizable, TYPE_INFO, type CustomizableType } from './customizable-types.js';
import { canonicalLocale } from './locale-chain.js';
import { MessagingTemplateEntity, type TemplateContent } from './messaging-template.entity.js';
import { parseContent } from './template-content.js';
import { isUuid } from '../../common/uuid.js';

/** A template as `GET /messaging/templates` shows it: one per type, stored or built-in. */
export interface BasicTemplate {
  type: CustomizableType;
  label: string;
  content: TemplateContent;
}

/** Create (all but `content`/`isEnabled` optional), replace (PUT) or change (PATCH: all optional). */
export interface TemplateCommand {
  content?: unknown;
  isEnabled?: boolean | null;
  label?: string | null;
  locale?: string | null;
  properties?: unknown[] | null;
}

export interface BasicUpdateOutcome {
  succeeded: BasicTemplate[];
  failed: { message: string; data: Record<string, unknown> }[];
}

const MAX_BASIC_ITEMS = 50;

const ENABLED_CONFLICT =
  'This message cannot be enabled because another message already exists with the same configuration. Change the locale to enable this message.';
const ONLY_ONE = 'Messaging template cannot be deleted because it is the only template with type. Consider disabling this template instead.';
const labelTaken = (type: string, label: string) => `A template with type '${type}' and label '${label}' already exists.`;
const notFoundWithId = (id: string) => notFound(`No messaging template found with id ${id}`);

/** A per-item failure of `PUT /messaging/templates` (Fides' texts). */
class ItemFailure extends Error {}

/**
 * Decision D32: the stored templates (Fides' basic and property-free CRUD API). At most one enabled template per type
 * and locale (a partial unique index): that is the one messages use. A body is sanitised before it is stored.
 */
@Injectable()
export class MessagingTemplatesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo(): Repository<MessagingTemplateEntity> {
    return this.dataSource.getRepository(MessagingTemplateEntity);
  }

  /** The type of a path: not one of Fides' action types → 422 (`loc` `['template_type']`); not one of the six → 400. */
  customizableType(raw: string): CustomizableType {
    if (!(FIDES_ACTION_TYPES as readonly string[]).includes(raw)) {
      throw invalid(
        ['template_type'],
        `value is not a valid enumeration member; permitted: ${FIDES_ACTION_TYPES.map((t) => `'${t}'`).join(', ')}`,
        'type_error.enum',
      );
    }
    if (!isCustomizable(raw)) throw badRequest(`Messaging template type ${raw} is not supported.`);
    return raw;
  }

  /** The enabled variants of `type` among `locales`, in one indexed query (a preview; messages read per batch). */
  async enabledVariants(type: string, locales: string[]): Promise<{ locale: string; content: TemplateContent }[]> {
    return preparedQuery(
      this.dataSource,
      undefined,
      'herald_messaging_template_enabled',
      'SELECT locale, content FROM messaging_template WHERE type = $1 AND is_enabled AND locale = ANY($2::varchar[])',
      [type, locales],
    );
  }

  /** The hot path of the outbox: every enabled variant of each of `types`, for a batch of messages, in one indexed query. */
  async enabledVariantsOf(types: string[]): Promise<{ type: string; locale: string; content: TemplateContent }[]> {
    return preparedQuery(
      this.dataSource,
      undefined,
      'herald_messaging_templates_enabled',
      'SELECT type, locale, content FROM messaging_template WHERE type = ANY($1::varchar[]) AND is_enabled',
      [types],
    );
  }

  /** One per customizable type, in Fides' order: the base-locale row (the enabled one, else the latest) or the built-in. */
  async basics(): Promise<BasicTemplate[]> {
    const rows = await this.basicRows();
    return CUSTOMIZABLE_TYPES.map((type) => {
      const row = rows.get(type);
      return row ? { type, label: row.label, content: row.content } : { type, label: TYPE_INFO[type].label, content: { ...TYPE_INFO[type].defaults } };
    });
  }

  /** The built-in wording of a type in `__VARIABLE__` form. */
  defaultOf(rawType: string): BasicTemplate {
    const type = this.customizableType(rawType);
    return { type, label: TYPE_INFO[type].label, content: { ...TYPE_INFO[type].defaults } };
  }

  async get(id: string): Promise<MessagingTemplateEntity> {
    const row = isUuid(id) ? await this.repo.findOneBy({ id }) : null;
    if (!row) throw notFoundWithId(id);
    return row;
  }

  /** Newest first; first adds a disabled built-in row for each type that has none (as Fides does). */
  async summary(page: { page: number; size: number }): Promise<Page<MessagingTemplateEntity>> {
    for (const type of CUSTOMIZABLE_TYPES) {
      const info = TYPE_INFO[type];
      await this.dataSource.query(
        `INSERT INTO messaging_template (type, label, locale, content, is_enabled)
         SELECT $1::varchar, $2::varchar, '', $3::jsonb, false WHERE NOT EXISTS (SELECT 1 FROM messaging_template WHERE type = $1::varchar)
         ON CONFLICT DO NOTHING`,
        [type, info.label, JSON.stringify(info.defaults)],
      );
    }
    const [items, total] = await this.repo.findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, skip: pageOffset(page), take: page.size });
    return toPage(items, total, page);
  }

  /** `PUT /messaging/templates`: each item on its own; the base-locale row of its type takes the content and is enabled. */
  async updateBasics(body: unknown): Promise<BasicUpdateOutcome> {
    if (!Array.isArray(body)) throw invalid([], 'value is not a valid list', 'type_error.list');
    if (body.length > MAX_BASIC_ITEMS) throw invalid([], `ensure this value has at most ${MAX_BASIC_ITEMS} items`, 'value_error.list.max_items');
    const issues: ValidationIssue[] = [];
    body.forEach((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item))
        issues.push({ loc: [i], msg: 'value is not a valid dict', type: 'type_error.dict' });
    });
    if (issues.length > 0) throw new RequestValidationError(issues);
    const outcome: BasicUpdateOutcome = { succeeded: [], failed: [] };
    for (const item of body as Record<string, unknown>[]) {
      try {
        outcome.succeeded.push(await this.updateBasic(item));
      } catch (error) {
        if (!(error instanceof ItemFailure)) throw error;
        outcome.failed.push({ message: error.message, data: item });
      }
    }
    return outcome;
  }

  async create(rawType: string, command: TemplateCommand): Promise<MessagingTemplateEntity> {
    const type = this.customizableType(rawType);
    this.required(command);
    const content = parseContent(type, command.content, 'none');
    const locale = this.locale(command.locale);
    this.noProperties(command.properties);
    const label = command.label ? await this.freeLabel(type, command.label) : await this.nextLabel(type);
    const isEnabled = command.isEnabled ?? false;
    if (isEnabled) await this.checkEnabled(type, locale);
    return this.save(this.repo.create({ type, label, locale, content, isEnabled }));
  }

  /** PUT (`replace`: content and is_enabled required) or PATCH (only what is given). */
  async update(id: string, command: TemplateCommand, replace: boolean): Promise<MessagingTemplateEntity> {
    const row = await this.get(id);
    const type = this.customizableType(row.type);
    if (replace) this.required(command);
    this.noProperties(command.properties);
    if (command.content !== undefined && command.content !== null) row.content = parseContent(type, command.content, 'none');
    if (command.locale !== undefined && command.locale !== null) row.locale = this.locale(command.locale);
    if (command.label && command.label !== row.label) row.label = await this.freeLabel(type, command.label, row.id);
    if (command.isEnabled !== undefined && command.isEnabled !== null) row.isEnabled = command.isEnabled;
    if (row.isEnabled) await this.checkEnabled(type, row.locale, row.id);
    return this.save(row);
  }

  async delete(id: string): Promise<void> {
    const row = await this.get(id);
    await this.dataSource.transaction(async (manager) => {
      // The type's rows locked: two deletes at once cannot remove its last two templates.
      const rows: { id: string }[] = await manager.query('SELECT id FROM messaging_template WHERE type = $1 FOR UPDATE', [row.type]);
      if (!rows.some((r) => r.id === row.id)) throw notFoundWithId(id);
      if (rows.length <= 1) throw badRequest(ONLY_ONE);
      await manager.delete(MessagingTemplateEntity, { id: row.id });
    });
  }

  // ---- helpers ----

  private async basicRows(): Promise<Map<string, MessagingTemplateEntity>> {
    const rows = await this.repo.find({ where: { locale: '' }, order: { isEnabled: 'DESC', updatedAt: 'DESC' } });
    const byType = new Map<string, MessagingTemplateEntity>();
    for (const row of rows) if (!byType.has(row.type)) byType.set(row.type, row);
    return byType;
  }

  private async updateBasic(item: Record<string, unknown>): Promise<BasicTemplate> {
    const type = item.type;
    if (typeof type !== 'string' || !isCustomizable(type)) throw new ItemFailure('Invalid template type.');
    const raw = item.content;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !('subject' in raw) || !('body' in raw)) {
      throw new ItemFailure('Unexpected error updating template.');
    }
    let content: TemplateContent;
    try {
      content = parseContent(type, raw, 'none');
    } catch (error) {
      if (error instanceof RequestValidationError) throw new ItemFailure(error.issues.map((i) => `${i.loc.join('.')}: ${i.msg}`).join('; '));
      throw error;
    }
    const row = (await this.basicRows()).get(type) ?? this.repo.create({ type, label: await this.nextLabel(type), locale: '' });
    // Herald enables it (Fides writes is_enabled=false, §8 quirk 8): here is_enabled picks the content messages use.
    Object.assign(row, { content, isEnabled: true });
    const saved = await this.save(row);
    return { type, label: saved.label, content: saved.content };
  }

  /** A locale as stored: canonical BCP 47, or '' for the base variant (null, absent or ''). */
  locale(raw: unknown): string {
    if (raw === undefined || raw === null || raw === '') return '';
    const canonical = typeof raw === 'string' ? canonicalLocale(raw) : null;
    if (!canonical) throw invalid(['locale'], 'value is not a valid BCP 47 language tag', 'value_error.locale');
    return canonical;
  }

  /** Fides' create and replace bodies: content and is_enabled required. */
  private required(command: TemplateCommand): void {
    const missing = (['content', 'isEnabled'] as const).filter((key) => command[key] === undefined || command[key] === null);
    if (missing.length > 0) {
      throw new RequestValidationError(
        missing.map((key) => ({ loc: [key === 'isEnabled' ? 'is_enabled' : key], msg: 'field required', type: 'value_error.missing' })),
      );
    }
  }

  /** Multi-property messaging is out of scope (D32): only an empty list is accepted. */
  private noProperties(properties: unknown[] | null | undefined): void {
    if (properties && properties.length > 0) {
      throw invalid(['properties'], 'properties are not supported: Herald has a single property, leave the list empty', 'value_error.properties');
    }
  }

  private async freeLabel(type: string, label: string, exceptId?: string): Promise<string> {
    const taken = await this.repo.existsBy(exceptId ? { type, label, id: Not(exceptId) } : { type, label });
    if (taken) throw badRequest(labelTaken(type, label));
    return label;
  }

  /** The default label, or "<label> (2)", "(3)", … when it is taken. */
  private async nextLabel(type: CustomizableType): Promise<string> {
    const base = TYPE_INFO[type].label;
    const labels = new Set((await this.repo.find({ select: { label: true }, where: { type } })).map((r) => r.label));
    if (!labels.has(base)) return base;
    let n = 2;
    while (labels.has(`${base} (${n})`)) n++;
    return `${base} (${n})`;
  }

  private async checkEnabled(type: string, locale: string, exceptId?: string): Promise<void> {
    const where = { type, locale, isEnabled: true, ...(exceptId ? { id: Not(exceptId) } : {}) };
    if (await this.repo.existsBy(where)) throw badRequest(ENABLED_CONFLICT);
  }

  /** Saves; a concurrent writer's label or enabled variant (the unique indexes) is the same 400 as the checks. */
  private async save(row: MessagingTemplateEntity): Promise<MessagingTemplateEntity> {
    try {
      return await this.repo.save(row);
    } catch (error) {
      const constraint = error instanceof QueryFailedError ? (error.driverError as { constraint?: string }).constraint : undefined;
      if (constraint === 'uq_messaging_template_type_label') throw badRequest(labelTaken(row.type, row.label));
      if (constraint === 'UQ_messaging_template_enabled') throw badRequest(ENABLED_CONFLICT);
      throw error;
    }
  }
}
