import { findDataElement, type Field } from '../catalog/index.js';
import { maskValue } from '../share/index.js';
import { BASES, type BaseKind } from './kinds.js';

/**
 * How plainly a caller sees base values. Masking itself is share's `maskValue`, by the data
 * element's masking; this only decides from which sensitivity on it applies:
 *  plain  — the subject itself (a citizen reading their own record): nothing masked;
 *  review — a reviewer comparing two providers' values: only sensitive personal information (4),
 *           since a masked pair of addresses could not be told apart;
 *  masked — operators and auditors otherwise: sensitivity 3 and up, as share masks for operators.
 */
export type Exposure = 'plain' | 'review' | 'masked';
const MASK_FROM: Record<Exposure, number> = { plain: 5, review: 4, masked: 3 };

function fieldOf(code: string): Field | undefined {
  const e = findDataElement(code);
  return (
    e && { name: e.code, label: e.name, type: e.type, required: false, sensitivity: e.sensitivity, element: e.code }
  );
}

export function isMasked(element: string, exposure: Exposure): boolean {
  return (findDataElement(element)?.sensitivity ?? 4) >= MASK_FROM[exposure];
}

export function showValue(element: string, value: unknown, exposure: Exposure): unknown {
  const field = fieldOf(element);
  if (!field) return exposure === 'plain' ? value : '****';
  return isMasked(element, exposure) ? maskValue(field, value) : value;
}

/** A subject key as the caller sees it: a citizen ID is masked for anyone but its holder. */
export function showKey(kind: BaseKind, key: string, exposure: Exposure): string {
  const element = BASES[kind].keyElement;
  return exposure === 'plain' ? key : String(showValue(element, key, 'masked'));
}
