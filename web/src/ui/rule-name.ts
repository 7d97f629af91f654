/** i18next's t as far as the names need it (a plain function, so the rules are tested without React). */
type Translate = (key: string, options?: Record<string, unknown>) => string;

const KINDS = ['regex', 'range', 'unique', 'referential', 'freshness'];

/**
 * A quality rule's readable name from its id: the built-in cross-checks by what they compare,
 * a configured rule `<kind>.<field>` as kind and field label, 'validation' as the type and
 * format checks. An id chosen by hand that says nothing more is shown as it is.
 */
export function ruleName(id: string, fieldLabel: (name: string) => string | undefined, t: Translate): string {
  const label = (name: string) => fieldLabel(name) ?? name;
  if (id === 'validation') return t('qualityValidation');
  const builtin = /^builtin\.([a-z0-9-]+)\.([a-z][a-z0-9_]*)$/.exec(id);
  if (builtin) {
    const [, check = '', field = ''] = builtin;
    return t(`ruleName.${check}`, {
      field: label(field),
      defaultValue: t('ruleName.builtin', { field: label(field) }),
    });
  }
  const configured = /^([a-z]+)\.([a-z][a-z0-9_]*)$/.exec(id);
  if (configured && KINDS.includes(configured[1]!)) {
    return t('ruleName.configured', { kind: t(`ruleKind.${configured[1]}`), field: label(configured[2]!) });
  }
  return id;
}
