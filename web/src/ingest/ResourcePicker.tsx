import { Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery } from '../api';
import { can, useSession } from '../session';

/** A resource as an option: its name, its code after it in grey. */
function option(code: string, name: string | undefined) {
  return {
    value: code,
    label: name ? (
      <span>
        {name}{' '}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {code}
        </Typography.Text>
      </span>
    ) : (
      code
    ),
  };
}

/**
 * The resources the caller may load — its organization's (officers), or any (whoever the policy
 * lets list every organization's loads: ingest:list-all, the operators) — searched as typed, shown
 * by name. A chosen resource stays shown, by its name, even when the current search does not list it.
 */
export function ResourcePicker({
  value,
  onChange,
  testId,
  width,
}: {
  value?: string;
  onChange?: (v: string) => void;
  testId: string;
  width?: number;
}) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  // The search waits for a pause in typing, so that each key does not send a request.
  useEffect(() => {
    const timer = setTimeout(() => setQ(typed), 250);
    return () => clearTimeout(timer);
  }, [typed]);
  const provider = can(user, 'ingest:list-all') ? undefined : user?.org?.code;
  const found = useQuery(
    () => ok(client.GET('/api/v1/catalog/resources', { params: { query: { q, provider, page: 1, pageSize: 50 } } })),
    [q, provider],
  );
  // Nothing to offer when the search fails: the chosen resource still shows.
  const items = found.problem ? [] : (found.data?.items ?? []);
  const listed = !value || items.some((r) => r.code === value);
  // The chosen resource's name when the search does not list it (a code from the address, say).
  const chosen = useQuery(
    async () =>
      listed || !value
        ? null
        : ok(client.GET('/api/v1/catalog/resources/{code}', { params: { path: { code: value } } })),
    [listed ? '' : value],
  );
  const options = items.map((r) => option(r.code, r.name));
  if (value && !listed) options.unshift(option(value, chosen.problem ? undefined : chosen.data?.name));
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setTyped }}
      value={value}
      onChange={onChange}
      placeholder={t('resource')}
      options={options}
      style={width ? { width } : undefined}
      data-testid={testId}
    />
  );
}
