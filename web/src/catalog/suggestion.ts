import type { FormInstance } from 'antd';
import { Form } from 'antd';
import { useEffect, useState } from 'react';
import { client, ok, type Body } from '../api';
import type { Field, Suggestion } from './types';

const NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** The hub's grading suggestion for what the form holds now, asked again 400 ms after the last change. */
export function useSuggestion(form: FormInstance): Suggestion | null {
  const category = Form.useWatch('category', form) as Body<'/api/v1/catalog/suggest'>['category'] | undefined;
  const keyField = Form.useWatch('keyField', form) as string | undefined;
  const fields = Form.useWatch('fields', form) as Array<Partial<Field> | undefined> | undefined;
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);
  // Only complete rows count; a row being typed would make the request invalid.
  const complete = (fields ?? []).flatMap((f) =>
    f?.name && NAME.test(f.name) && f.type
      ? [
          {
            name: f.name,
            label: f.label || f.name,
            type: f.type,
            required: !!f.required,
            sensitivity: f.sensitivity ?? 1,
            ...(f.element ? { element: f.element } : {}),
            ...(f.maxLength ? { maxLength: f.maxLength } : {}),
            ...(f.codeList?.length ? { codeList: f.codeList } : {}),
          },
        ]
      : [],
  );
  const input = category && { category, keyField: keyField ?? '', fields: complete };
  const body = JSON.stringify(input);
  // A debounce, not a load: useQuery would still send one request per keystroke.
  useEffect(() => {
    if (!input || complete.length === 0) return;
    let live = true;
    const timer = setTimeout(() => {
      ok(client.POST('/api/v1/catalog/suggest', { body: input }))
        .then((s) => live && setSuggestion(s))
        .catch(() => undefined); // a half-filled form: keep the last suggestion
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [body]); // category and complete are part of body
  return suggestion;
}
