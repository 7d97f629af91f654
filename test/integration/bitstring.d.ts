/** @digitalbazaar/bitstring ships no types: the part licence.test.ts uses. */
declare module '@digitalbazaar/bitstring' {
  export class Bitstring {
    constructor(opts: { buffer?: Uint8Array; length?: number; leftToRightIndexing?: boolean });
    length: number;
    get(position: number): boolean;
    static decodeBits(opts: { encoded: string }): Promise<Uint8Array>;
  }
}
