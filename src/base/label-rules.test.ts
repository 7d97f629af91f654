import { describe, expect, it } from 'vitest';
import { evaluationOrder, parseRule, referencedLabels, type LabelRule, type Predicate } from './label-rules.js';

const rule = (code: string, p: Predicate, kind: LabelRule['kind'] = 'person'): LabelRule => ({
  code,
  name: code,
  kind,
  rule: p,
  description: '',
});
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return {
      code: (e as { code: string }).code,
      field: (e as { problems: Array<{ field: string }> }).problems[0]!.field,
    };
  }
  return null;
};

describe('label rules — the language', () => {
  it('takes nested all/any/not, label references and every op with its value', () => {
    const p: Predicate = {
      all: [
        { label: 'elderly' },
        { any: [{ element: 'household_size', op: 'eq', value: 1 }, { not: { element: 'phone', op: 'exists' } }] },
        { element: 'gender', op: 'in', value: ['男', '女'] },
        { element: 'birth_date', op: 'ageBelow', value: 80 },
      ],
    };
    expect(parseRule(rule('alone', p)).rule).toEqual(p);
    expect(referencedLabels(p)).toEqual(['elderly']);
  });

  it('asks of sealed personal information only whether it is there', () => {
    const phone = (op: 'eq' | 'in' | 'exists', value?: unknown) =>
      parseRule(
        rule('xx', { any: [{ element: 'phone', op, ...(value === undefined ? {} : { value }) }] } as Predicate),
      );
    expect(phone('exists').rule).toEqual({ any: [{ element: 'phone', op: 'exists' }] });
    expect(refusal(() => phone('eq', '13800001111'))).toEqual({ code: 'BAS_BAD_RULE', field: 'rule/any/0/op' });
    expect(refusal(() => phone('in', ['13800001111']))).toEqual({ code: 'BAS_BAD_RULE', field: 'rule/any/0/op' });
    expect(refusal(() => parseRule(rule('xx', { element: 'disability_cert_no', op: 'eq', value: 'x' })))).toMatchObject(
      { field: 'rule/op' },
    );
  });

  it('refuses a wrong shape, naming where', () => {
    expect(refusal(() => parseRule(rule('xx', { all: [] })))).toEqual({ code: 'BAS_BAD_RULE', field: 'rule' });
    expect(refusal(() => parseRule(rule('xx', { element: 'religion', op: 'exists' })))).toEqual({
      code: 'BAS_BAD_RULE',
      field: 'rule/element',
    });
    expect(
      refusal(() => parseRule(rule('xx', { all: [{ element: 'birth_date', op: 'ageAtLeast', value: 6.5 }] }))),
    ).toEqual({
      code: 'BAS_BAD_RULE',
      field: 'rule/all/0/value',
    });
    const badOp = { element: 'birth_date', op: 'like', value: '19%' } as unknown as Predicate;
    expect(refusal(() => parseRule(rule('xx', badOp)))?.field).toBe('rule/op');
    // an element of the other base
    expect(refusal(() => parseRule(rule('xx', { element: 'employees', op: 'lt', value: 100 })))).toMatchObject({
      field: 'rule/element',
    });
    expect(refusal(() => parseRule(rule('Bad-Code', { label: 'elderly' })))?.field).toBe('code');
    const sql = { element: 'phone', op: 'exists', where: '1=1' } as unknown as Predicate;
    expect(refusal(() => parseRule(rule('xx', sql)))?.field).toBe('rule/where');
  });

  it('orders labels after the labels they refer to, and refuses cycles and dangling references', () => {
    const elderly = rule('elderly', { element: 'birth_date', op: 'ageAtLeast', value: 60 });
    const alone = rule('elderly_alone', {
      all: [{ label: 'elderly' }, { element: 'household_size', op: 'eq', value: 1 }],
    });
    expect(evaluationOrder([alone, elderly]).map((r) => r.code)).toEqual(['elderly', 'elderly_alone']);
    expect(refusal(() => evaluationOrder([alone]))).toMatchObject({ code: 'BAS_BAD_RULE' });
    const a = rule('a', { label: 'b' });
    const b = rule('b', { not: { label: 'a' } });
    expect(refusal(() => evaluationOrder([a, b]))).toMatchObject({ code: 'BAS_BAD_RULE' });
    const firm = rule('firm', { label: 'elderly' }, 'legal_entity');
    expect(refusal(() => evaluationOrder([elderly, firm]))).toMatchObject({ code: 'BAS_BAD_RULE' });
  });
});
