import { Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery } from '../api';
import { hasRole, useSession } from '../session';

/**
 * The resources the caller may load — its organization's (officers), or any (operators) —
 * searched as typed. A chosen code stays shown even when the current search does not list it.
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
  const provider = hasRole(user, 'operator') ? undefined : user?.org?.code;
  const found = useQuery(
    () => ok(client.GET('/api/v1/catalog/resources', { params: { query: { q, provider, page: 1, pageSize: 50 } } })),
    [q, provider],
  );
  // Nothing to offer when the search fails: the chosen code still shows.
  const items = found.problem ? [] : (found.data?.items ?? []);
  const options = items.map((r) => ({ value: r.code, label: `${r.code} ${r.name}` }));
  if (value && !items.some((r) => r.code === value)) options.unshift({ value, label: value });
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
