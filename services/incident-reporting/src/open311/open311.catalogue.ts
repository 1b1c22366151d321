import { IncidentCategory } from '@civgrid/contracts';
import { isCategory, Taxonomy } from '../taxonomy/taxonomy';
import { Open311Errors } from './open311.errors';

const title = (code: string) => code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, ' ');

/** `CATEGORY` or `CATEGORY-SUBCATEGORY`: the taxonomy as Open311 service codes. */
export const serviceCodeOf = (category: string, subcategory: string | null) => (subcategory ? `${category}-${subcategory}` : category);

export interface ServiceEntry {
  code: string;
  name: string;
  description: string;
  keywords: string;
  group: string;
  category: IncidentCategory;
  subcategory: string | null;
}

/** The taxonomy as Open311 services: each published category, and each of its subcategories, is one service. */
export class Open311Catalogue {
  /** The categories the configuration publishes that the taxonomy allows to be public. */
  readonly published: readonly IncidentCategory[];
  readonly services: readonly ServiceEntry[];

  constructor(
    private readonly taxonomy: Taxonomy,
    publicCategories: readonly IncidentCategory[],
  ) {
    this.published = publicCategories.filter((c) => taxonomy.get(c)?.public);
    this.services = this.published.flatMap((c) => this.entriesOf(c));
  }

  /** A published service by its code. */
  find(code: string): ServiceEntry | undefined {
    return this.services.find((s) => s.code === code);
  }

  /** The one name of a service, in the service list and in every request of it alike. */
  serviceOf(category: IncidentCategory, subcategory: string | null): ServiceEntry {
    const code = serviceCodeOf(category, subcategory);
    return this.find(code) ?? this.entriesOf(category).find((s) => s.code === code) ?? this.entriesOf(category)[0];
  }

  /** A service_code a reader filters by: a published one, or, for a key granted unpublished services, any but care alerts. */
  readable(code: string, unpublishedGranted: boolean): { category: string; subcategory: string | null } {
    const published = this.find(code);
    if (published) return published;
    const [category, subcategory = null] = code.split('-', 2);
    const def = isCategory(category) ? this.taxonomy.get(category) : undefined;
    const known =
      def &&
      def.public &&
      (subcategory === null || def.subcategories.includes(subcategory)) &&
      serviceCodeOf(category, subcategory) === code;
    if (!known || !unpublishedGranted) throw Open311Errors.unknownService(code);
    return { category, subcategory };
  }

  private entriesOf(category: IncidentCategory): ServiceEntry[] {
    const def = this.taxonomy.get(category)!;
    return [
      {
        code: category,
        name: def.name,
        description: `${def.name}, anything not listed under it.`,
        keywords: def.name.toLowerCase(),
        group: def.name,
        category,
        subcategory: null,
      },
      ...def.subcategories.map((sub) => ({
        code: serviceCodeOf(category, sub),
        name: `${def.name}: ${title(sub)}`,
        description: `${title(sub)} (${def.name.toLowerCase()}).`,
        keywords: [def.name, title(sub)].join(', ').toLowerCase(),
        group: def.name,
        category,
        subcategory: sub,
      })),
    ];
  }
}
