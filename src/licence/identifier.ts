import { isMod37_36Valid, mod37_36CheckChar } from '../kernel/index.js';

/** The OID arc of electronic licences (GB/T 36902): 1.2.156.3005.2. */
export const LICENCE_OID = '1.2.156.3005.2';

export interface IdentifierParts {
  typeCode: string;
  /** The issuing department's unified social credit code (18 characters). */
  issuerCode: string;
  serial: number;
  version: number;
}

/**
 * 证照标识 `1.2.156.3005.2.<type>.<issuer credit code>.<serial>.<version>.<check>`. The serial
 * is 10 digits and the version 3, zero-padded. The check character (ISO/IEC 7064 MOD 37,36) is
 * computed over every character of the identifier before it with the dots left out — the OID
 * prefix digits, the type code, the credit code, the serial and the version — so that a slip in
 * any of them is caught by the check alone; dots are not in the system's alphabet.
 */
export function makeIdentifier(p: IdentifierParts): string {
  const body = [LICENCE_OID, p.typeCode, p.issuerCode, pad(p.serial, 10), pad(p.version, 3)].join('.');
  return `${body}.${mod37_36CheckChar(checked(body))}`;
}

/** The parts of an identifier whose shape and check character hold, or null. */
export function parseIdentifier(identifier: string): IdentifierParts | null {
  const m = /^1\.2\.156\.3005\.2\.([0-9A-Z]{2,20})\.([0-9A-Z]{18})\.(\d{10})\.(\d{3})\.([0-9A-Z])$/.exec(identifier);
  if (!m) return null;
  if (!isMod37_36Valid(checked(identifier.slice(0, -2)) + m[5])) return null;
  return { typeCode: m[1]!, issuerCode: m[2]!, serial: Number(m[3]), version: Number(m[4]) };
}

/** What the check character covers: the identifier before it, without the dots. */
const checked = (body: string) => body.replaceAll('.', '');
const pad = (n: number, width: number) => String(n).padStart(width, '0');
