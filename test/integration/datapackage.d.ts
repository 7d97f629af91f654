// frictionless's datapackage-js ships no types: the part of it open.test.ts uses.
declare module 'datapackage' {
  export function validate(descriptor: object): Promise<{ valid: boolean; errors: Error[] }>;
  export class Package {
    static load(descriptor: string | object): Promise<Package>;
    valid: boolean;
    errors: Error[];
    resources: Array<{ name: string; read(opts?: { keyed?: boolean; cast?: boolean }): Promise<unknown[]> }>;
  }
}
