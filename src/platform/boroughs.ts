import { Schema, type Connection, type InferSchemaType, Types } from 'mongoose';
import londonAuthorities from './london-authorities.json';

/** A London authority: officers and exercises belong to one; it is the unit of tenancy. */
export interface Borough {
  id: string;
  slug: string;
  name: string;
}

export interface LondonAuthority {
  name: string;
  slug: string;
  onsCode: string;
}

export const LONDON_AUTHORITIES: readonly LondonAuthority[] = londonAuthorities.authorities;

export const boroughSlugs: readonly string[] = LONDON_AUTHORITIES.map((a) => a.slug);

const boroughSchema = new Schema(
  {
    name: { type: String, required: true },
    slug: { type: String, required: true, unique: true },
    onsCode: { type: String, required: true, unique: true },
  },
  { timestamps: true },
);

export type BoroughRecord = InferSchemaType<typeof boroughSchema> & { _id: Types.ObjectId };
const buildBorough = (conn: Connection) => conn.model('Borough', boroughSchema);
export type BoroughModel = ReturnType<typeof buildBorough>;

export function boroughModel(conn: Connection): BoroughModel {
  return (conn.models.Borough as BoroughModel | undefined) ?? buildBorough(conn);
}

/** The London authorities as stored, cached after `load()`: read on every request, changed never. */
export class Boroughs {
  private readonly boroughs: BoroughModel;
  private byId = new Map<string, Borough>();

  constructor(conn: Connection) {
    this.boroughs = boroughModel(conn);
  }

  /** Makes sure every London authority exists (safe to run at every start) and caches them. */
  async load(): Promise<void> {
    await this.boroughs.bulkWrite(
      LONDON_AUTHORITIES.map((a) => ({
        updateOne: { filter: { slug: a.slug }, update: { $set: { name: a.name, onsCode: a.onsCode } }, upsert: true },
      })),
    );
    // bounded: the 33 London authorities.
    const all = await this.boroughs.find().lean();
    this.byId = new Map(all.map((b) => [b._id.toString(), { id: b._id.toString(), slug: b.slug, name: b.name }]));
  }

  list(): Borough[] {
    return [...this.byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  findById(id: string): Borough | undefined {
    return this.byId.get(id);
  }

  findBySlug(slug: string): Borough | undefined {
    return [...this.byId.values()].find((b) => b.slug === slug);
  }
}
