import { Tooltip, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery } from '../api';
import { namesOf, useOrgs } from '../catalog/orgs';

/**
 * Names where people expect names: organizations, people, fields and data elements are shown by
 * name, and their codes only as a secondary detail (a hover, a small grey line).
 */

/** Organization names by code, from the one cached organization list. */
export function useOrgNames(): Record<string, string> {
  const orgs = useOrgs();
  return useMemo(() => namesOf(orgs), [orgs]);
}

/** A name with its code on hover, the form every code-bearing thing takes when shown inline. */
export function Named({ name, code, testId }: { name: string; code: string; testId?: string | undefined }) {
  const { t } = useTranslation();
  if (name === code) return <span data-testid={testId}>{name}</span>;
  return (
    <Tooltip title={t('technicalCode', { code })}>
      <span data-testid={testId} data-code={code}>
        {name}
      </span>
    </Tooltip>
  );
}

/** An organization by its name; `name` when the caller has it, else from the list; the code until it loads. */
export function OrgName({ code, name, testId }: { code: string; name?: string | undefined; testId?: string }) {
  const names = useOrgNames();
  return <Named name={name ?? names[code] ?? code} code={code} testId={testId} />;
}

/** A person by display name with the login beneath, small and grey. */
export function PersonName({ username, name }: { username: string; name?: string | undefined }) {
  if (!name || name === username) return <span>{username}</span>;
  return (
    <span>
      {name}{' '}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {username}
      </Typography.Text>
    </span>
  );
}

let elements: Promise<Record<string, string>> | null = null;
const NO_NAMES: Record<string, string> = {};

/** Data element names by code, fetched once per page load. */
export function useElementNames(): Record<string, string> {
  const loaded = useQuery(
    () =>
      (elements ??= ok(client.GET('/api/v1/catalog/data-elements'))
        .then((r) => Object.fromEntries(r.items.map((e) => [e.code, e.name])))
        .catch(() => ((elements = null), {}))),
    [],
  );
  return loaded.data ?? NO_NAMES;
}

/** A data element by its name, its code on hover. */
export function ElementName({ code }: { code: string }) {
  const names = useElementNames();
  return <Named name={names[code] ?? code} code={code} />;
}

/** Each resource's field labels by field name; a resource that cannot be read keeps its names. */
export function useFieldLabels(codes: string[]): Record<string, Record<string, string>> {
  const wanted = [...new Set(codes)].sort().slice(0, 50);
  const loaded = useQuery(
    async () =>
      Object.fromEntries(
        await Promise.all(
          wanted.map((code) =>
            ok(client.GET('/api/v1/catalog/resources/{code}', { params: { path: { code } } }))
              .then((r) => [code, Object.fromEntries(r.fields.map((f) => [f.name, f.label]))] as const)
              .catch(() => [code, {}] as const),
          ),
        ),
      ) as Record<string, Record<string, string>>,
    [wanted.join(' ')],
  );
  return loaded.data ?? NO_LABELS;
}
const NO_LABELS: Record<string, Record<string, string>> = {};
