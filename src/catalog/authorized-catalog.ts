import { authorize, isAllowed, type Action, type Actor } from '../access/index.js';
import type { ResourceContent } from './content.js';
import { DATA_ELEMENTS, type DataElement } from './elements.js';
import { bindFields, type FieldInput } from './fields.js';
import { suggestLevel } from './grading.js';
import type { Indicators } from './indicators.js';
import type { Resource, ResourceInput } from './schemas.js';
import { catalogTemplate } from './spreadsheet.js';
import type { ListQuery } from './search.js';
import type { CatalogService, Transition } from './service.js';
import { viewerOf, type Viewer } from './visibility.js';

/** What the caller may do with one resource, as the detail views show it. */
export interface Permissions {
  canEdit: boolean;
  canSubmit: boolean;
  canReview: boolean;
  canPublish: boolean;
  canBrowse: boolean;
  canUpload: boolean;
}

const STEPS: Record<Transition, Action> = {
  submit: 'catalog:submit',
  approve: 'catalog:review',
  return: 'catalog:review',
  publish: 'catalog:publish',
};

/**
 * The catalog as callers reach it (HTTP and CLI): each method asks the access policy whether the
 * actor may, then calls the `CatalogService` method of the same name with the viewer the actor
 * reads as (catalog/visibility.ts). A resource the actor may not read is the service's 404.
 */
export class AuthorizedCatalog {
  constructor(
    private readonly catalog: CatalogService,
    /** The departments whose indicators the city's figures are made of. */
    private readonly departments: () => Promise<Array<{ code: string; name: string }>>,
  ) {}

  /** The viewer of a caller who may read the catalog: for reads composed elsewhere (the asset map). */
  reader(actor: Actor | null): Viewer {
    authorize(actor, 'catalog:read');
    return viewerOf(actor);
  }

  list(actor: Actor | null, query: ListQuery): ReturnType<CatalogService['list']> {
    return this.catalog.list(query, this.reader(actor));
  }

  /** Every resource of a search selection, for the XLSX and CSV exports. */
  listAll(actor: Actor | null, query: ListQuery): Promise<Resource[]> {
    authorize(actor, 'catalog:export');
    return this.catalog.listAll(query, viewerOf(actor));
  }

  /** The working copy for its provider's officers and operators, else the last published version. */
  read(actor: Actor | null, code: string): Promise<Resource> {
    return this.catalog.read(code, this.reader(actor));
  }

  register(actor: Actor | null, input: ResourceInput): Promise<Resource> {
    return this.catalog.register(this.registrar(actor), actor!, input);
  }

  /** Registers every resource of a workbook as drafts of the actor's organization, or none. */
  registerAll(actor: Actor | null, contents: ResourceContent[]): Promise<Resource[]> {
    return this.catalog.registerAll(this.registrar(actor), actor!, contents);
  }

  async edit(actor: Actor | null, code: string, input: ResourceInput, baseVersion: number): Promise<Resource> {
    const current = await this.read(actor, code);
    authorize(actor, 'catalog:edit', { ownerOrg: current.provider.code });
    return this.catalog.edit(current.code, actor, input, baseVersion);
  }

  async transition(actor: Actor | null, code: string, step: Transition, reason?: string): Promise<Resource> {
    const current = await this.read(actor, code);
    authorize(actor, STEPS[step], { ownerOrg: current.provider.code });
    return this.catalog.transition(current.code, actor, step, reason);
  }

  async versions(actor: Actor | null, code: string): ReturnType<CatalogService['versions']> {
    const r = await this.read(actor, code);
    return this.catalog.versions(r.code, viewerOf(actor));
  }

  async atVersion(actor: Actor | null, code: string, version: number): Promise<Resource> {
    const r = await this.read(actor, code);
    return this.catalog.atVersion(r.code, version, viewerOf(actor));
  }

  /** The library of standard data elements fields bind to. */
  dataElements(actor: Actor | null): readonly DataElement[] {
    this.reader(actor);
    return DATA_ELEMENTS;
  }

  /** The suggested level and field sensitivities of a registration being written. */
  suggest(actor: Actor | null, draft: { category: Resource['category']; keyField: string; fields: FieldInput[] }) {
    this.reader(actor);
    const fields = bindFields(draft.fields);
    return {
      level: suggestLevel({ ...draft, fields }),
      fields: fields.map((f) => ({ name: f.name, sensitivity: f.sensitivity })),
    };
  }

  /** The import template, an empty workbook. */
  template(actor: Actor | null): Promise<Buffer> {
    this.reader(actor);
    return catalogTemplate();
  }

  async indicators(actor: Actor | null): Promise<Indicators> {
    authorize(actor, 'catalog:indicators');
    return this.catalog.indicators(await this.departments());
  }

  /** The steps the policy lets the actor take on the resource in its present state. */
  permissions(actor: Actor | null, r: Resource): Permissions {
    const may = (action: Action) => isAllowed(actor, action, { ownerOrg: r.provider.code });
    return {
      canEdit: may('catalog:edit') && ['draft', 'returned', 'published'].includes(r.status),
      canSubmit: may('catalog:submit') && ['draft', 'returned'].includes(r.status),
      canReview: may('catalog:review') && r.status === 'submitted',
      canPublish: may('catalog:publish') && r.status === 'approved',
      canBrowse: may('records:browse'),
      canUpload: may('ingest:upload'),
    };
  }

  /** The organization a registration is for: the actor's own, where the policy lets it register. */
  registrar(actor: Actor | null): string {
    authorize(actor, 'catalog:register', { ownerOrg: actor?.org?.code });
    // The rule's `own` scope holds only for an actor with an organization.
    return actor.org!.code;
  }
}
