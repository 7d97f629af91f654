// graphy's RDF/XML scriber ships no types: the part of it the hub uses (dcat.ts).
declare module '@graphy/content.xml.scribe' {
  import type { Duplex } from 'node:stream';
  export default function scribe(config?: { prefixes?: Record<string, string> }): Duplex;
}
